/// Errors the debug peer reports to callers of its invoke API.
public enum DebugPeerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No connected chaincode has this id or name.
    case unknownChaincode(String, registered: [String])
    /// The name matches more than one connected chaincode; use a full id.
    case ambiguousChaincode(String, candidates: [String])
    /// The chaincode's stream ended before it answered the transaction.
    case chaincodeDisconnected(chaincode: String, txID: String, reason: String)
    /// The chaincode answered the transaction with ERROR instead of COMPLETED.
    case transactionFailed(chaincode: String, txID: String, message: String)
    /// A message would exceed the configured maximum size.
    case messageTooLarge(size: Int, limit: Int)
    /// The peer has not been started, or was stopped.
    case notRunning
    /// The chaincode sent something the peer could not decode.
    case invalidMessage(String)
    /// The configured state file exists but is not a state file this peer wrote.
    case invalidStateFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .unknownChaincode(let name, let registered):
            let known = registered.isEmpty ? "none" : registered.joined(separator: ", ")
            return "chaincode '\(name)' is not registered with the debug peer (registered: \(known))"
        case .ambiguousChaincode(let name, let candidates):
            return "chaincode name '\(name)' matches several registered chaincodes (\(candidates.joined(separator: ", "))); use the full id"
        case .chaincodeDisconnected(let chaincode, let txID, let reason):
            return "chaincode '\(chaincode)' disconnected before completing transaction \(txID): \(reason)"
        case .transactionFailed(let chaincode, let txID, let message):
            return "chaincode '\(chaincode)' failed transaction \(txID): \(message)"
        case .messageTooLarge(let size, let limit):
            return "message of \(size) bytes exceeds the maximum message size of \(limit) bytes"
        case .notRunning:
            return "the debug peer is not running"
        case .invalidMessage(let detail):
            return "invalid message from chaincode: \(detail)"
        case .invalidStateFile(let path, let reason):
            return "the state file \(path) is not valid debug peer state (move it away to start empty): \(reason)"
        }
    }
}
