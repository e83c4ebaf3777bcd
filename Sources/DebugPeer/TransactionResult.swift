import ChaincodeProtocol

/// Whether a transaction's writes and event are committed (invoke) or discarded (query).
public enum TransactionMode: String, Sendable {
    /// Commit when the response status is below 400.
    case invoke
    /// Never commit.
    case query
}

/// The outcome of a transaction the chaincode completed.
public struct TransactionResult: Sendable, Hashable {
    /// The transaction id the peer generated.
    public var txID: String
    /// The channel it ran on.
    public var channel: String
    /// The id of the chaincode that ran it.
    public var chaincodeID: String
    /// The chaincode's response (status ≥ 400 means nothing was committed).
    public var response: Protos_Response
}
