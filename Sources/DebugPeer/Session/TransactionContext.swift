import ChaincodeProtocol
import Foundation

/// Identifies a transaction on a stream, as the peer does: channel plus txid.
struct TransactionKey: Hashable, Sendable {
    var channel: String
    var txid: String
}

/// What happens to a transaction's writes when it completes.
enum WriteDisposition: Sendable {
    /// Committed if the response status is below 400 (an invoke).
    case commit
    /// Discarded (a query).
    case discard
    /// Handed back to the calling chaincode's transaction (INVOKE_CHAINCODE on the same channel).
    case handBack
}

/// A completed transaction: the chaincode's final frame and, for ``WriteDisposition/handBack``, its writes.
struct TransactionOutcome: Sendable {
    var message: Protos_ChaincodeMessage
    var writes: [String: WriteSet] = [:]
}

/// The peer-side state of one INIT/TRANSACTION in flight: buffered writes, open
/// range queries, and how its outcome reaches the waiting invoke.
struct TransactionContext {
    /// The chaincode's namespace (public state).
    let namespace: String
    /// What happens to the writes.
    let disposition: WriteDisposition
    /// The proposal the transaction was sent with (passed on to called chaincode).
    let proposal: Protos_SignedProposal
    /// Buffered writes per namespace (the chaincode's, or `name$$pcollection`).
    var writes: [String: WriteSet] = [:]
    /// Open range queries by iterator id.
    var cursors: [String: RangeCursor] = [:]
    /// The final COMPLETED / ERROR frame, or the reason the stream died, if it came first.
    var outcome: Result<TransactionOutcome, DebugPeerError>?
    /// The invoke waiting for the outcome.
    var waiter: CheckedContinuation<TransactionOutcome, any Error>?

    init(namespace: String, disposition: WriteDisposition, proposal: Protos_SignedProposal) {
        self.namespace = namespace
        self.disposition = disposition
        self.proposal = proposal
    }

    /// The namespace for a collection: Fabric keeps private data in `name$$pcollection`.
    func namespace(collection: String) -> String {
        collection.isEmpty ? namespace : "\(namespace)$$p\(collection)"
    }
}
