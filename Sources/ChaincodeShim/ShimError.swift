/// Errors the shim reports to chaincode code and to the process.
public enum ShimError: Error, Sendable, CustomStringConvertible {
    /// The peer answered a request with ERROR; the payload text is kept.
    case peer(String)
    /// The stream to the peer ended or broke.
    case disconnected(String)
    /// The peer sent something out of protocol.
    case protocolViolation(String)

    public var description: String {
        switch self {
        case .peer(let message): "peer error: \(message)"
        case .disconnected(let reason): "disconnected from peer: \(reason)"
        case .protocolViolation(let detail): "protocol violation: \(detail)"
        }
    }
}
