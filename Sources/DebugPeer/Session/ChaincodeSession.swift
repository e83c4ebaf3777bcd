import ChaincodeProtocol
import Foundation
import Synchronization

/// One registered chaincode: its Register stream, and the transactions the peer
/// has sent it that have not completed yet.
final class ChaincodeSession: Sendable {
    /// The id the chaincode registered with (`name:version` or a package ID).
    let chaincodeID: String
    /// The state namespace: the name part of the id (before `:` and `/`).
    let namespace: String

    private let outbox: ChaincodeMessageOutbox
    private let world: WorldState
    private let pageSize: Int
    private let events: EventBroadcaster
    /// Finds the session of another chaincode (for INVOKE_CHAINCODE).
    private let resolve: @Sendable (String) throws -> ChaincodeSession
    private let state = Mutex(State())

    private struct State: ~Copyable {
        var transactions: [TransactionKey: TransactionContext] = [:]
        var closedReason: String?
        var isReady = false
        var nextIteratorNumber = 0
    }

    init(
        chaincodeID: String, outbox: ChaincodeMessageOutbox, world: WorldState, pageSize: Int,
        events: EventBroadcaster, resolve: @escaping @Sendable (String) throws -> ChaincodeSession
    ) {
        self.chaincodeID = chaincodeID
        self.resolve = resolve
        self.namespace = Self.namespace(of: chaincodeID)
        self.outbox = outbox
        self.world = world
        self.pageSize = pageSize
        self.events = events
    }

    /// Fabric's ParseName: `name:version/channel` → `name`.
    static func namespace(of chaincodeID: String) -> String {
        let withoutChannel = chaincodeID.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return String(withoutChannel.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    /// Whether the stream is still open.
    var isAlive: Bool { state.withLock { $0.closedReason == nil } }

    /// Whether READY has been sent and transactions may be sent.
    var isReady: Bool { state.withLock { $0.isReady && $0.closedReason == nil } }

    func markReady() { state.withLock { $0.isReady = true } }

    // MARK: - Peer → chaincode

    /// Sends an INIT or TRANSACTION and waits for the chaincode's COMPLETED or ERROR.
    func execute(_ message: Protos_ChaincodeMessage, disposition: WriteDisposition) async throws -> TransactionOutcome {
        let key = TransactionKey(channel: message.channelID, txid: message.txid)
        try state.withLock { state in
            if let reason = state.closedReason {
                throw DebugPeerError.chaincodeDisconnected(chaincode: chaincodeID, txID: message.txid, reason: reason)
            }
            guard state.transactions[key] == nil else {
                throw DebugPeerError.invalidMessage("transaction \(message.txid) is already running on \(chaincodeID)")
            }
            state.transactions[key] = TransactionContext(namespace: namespace, disposition: disposition, proposal: message.proposal)
        }
        guard outbox.enqueue(message) else {
            state.withLock { _ = $0.transactions.removeValue(forKey: key) }
            throw DebugPeerError.chaincodeDisconnected(chaincode: chaincodeID, txID: message.txid, reason: "the stream is closed")
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                state.withLock { state in
                    guard let tx = state.transactions[key] else {
                        // Cancelled before we got here: the cancellation handler already removed it.
                        continuation.resume(throwing: CancellationError())
                        return
                    }
                    guard let outcome = tx.outcome else {
                        state.transactions[key]?.waiter = continuation
                        return
                    }
                    state.transactions[key] = nil
                    continuation.resume(with: outcome.mapError { $0 as any Error })
                }
            }
        } onCancel: {
            state.withLock { state in
                state.transactions.removeValue(forKey: key)?.waiter?.resume(throwing: CancellationError())
            }
        }
    }

    // MARK: - Chaincode → peer

    /// Handles one frame from the chaincode, sending the reply it calls for, if any.
    func handle(_ message: Protos_ChaincodeMessage) {
        switch message.type {
        case .keepalive:
            break
        case .completed, .error:
            finish(message)
        case .invokeChaincode:
            Task { await self.invokeChaincode(message) }
        default:
            send(state.withLock { state in reply(to: message, state: &state) })
        }
    }

    private func reply(to message: Protos_ChaincodeMessage, state: inout State) -> Protos_ChaincodeMessage {
        let key = TransactionKey(channel: message.channelID, txid: message.txid)
        let failurePrefix = "\(message.type.protoName) failed: transaction ID: \(message.txid)"
        guard var tx = state.transactions[key], tx.outcome == nil else {
            return .error("\(failurePrefix): no ledger context", answering: message)
        }
        var iteratorNumber = state.nextIteratorNumber
        let requests = StateRequests(world: world, channel: message.channelID, pageSize: pageSize) {
            iteratorNumber += 1
            return "\(message.txid)-\(iteratorNumber)"
        }
        defer { state.nextIteratorNumber = iteratorNumber }
        do {
            guard let payload = try requests.payload(for: message, in: &tx) else {
                return .error("\(failurePrefix): the K8sVM debug peer does not implement \(message.type.protoName)", answering: message)
            }
            state.transactions[key] = tx
            return .response(payload, answering: message)
        } catch let failure as StateRequestFailure {
            return .error("\(failurePrefix): \(failure.reason)", answering: message)
        } catch {
            return .error("\(failurePrefix): unmarshal failed: \(error)", answering: message)
        }
    }

    /// COMPLETED or ERROR: commit (when allowed), publish events, wake the invoke.
    private func finish(_ message: Protos_ChaincodeMessage) {
        let key = TransactionKey(channel: message.channelID, txid: message.txid)
        var outcome: Result<TransactionOutcome, DebugPeerError> = .success(TransactionOutcome(message: message))
        var committedEvent: Protos_ChaincodeEvent?
        state.withLock { state in
            guard let tx = state.transactions[key], tx.outcome == nil else { return }
            if tx.disposition == .handBack {
                outcome = .success(TransactionOutcome(message: message, writes: tx.writes))
            }
            if message.type == .completed, tx.disposition == .commit {
                do {
                    let response = try Protos_Response(serializedBytes: message.payload)
                    if response.isSuccess {
                        try world.commit(tx.writes, channel: key.channel)
                        if message.hasChaincodeEvent, !message.chaincodeEvent.eventName.isEmpty {
                            committedEvent = message.chaincodeEvent
                        }
                    }
                } catch {
                    outcome = .failure(.invalidMessage("COMPLETED for \(message.txid) could not be committed: \(error)"))
                }
            }
            if let waiter = tx.waiter {
                state.transactions[key] = nil
                waiter.resume(with: outcome.mapError { $0 as any Error })
            } else {
                state.transactions[key]?.outcome = outcome
                state.transactions[key]?.writes = [:]
                state.transactions[key]?.cursors = [:]
            }
        }
        if var event = committedEvent {
            event.chaincodeID = namespace
            event.txID = message.txid
            events.publish(ChaincodeEventRecord(channel: key.channel, chaincodeID: chaincodeID, event: event))
        }
    }

    // MARK: - Chaincode-to-chaincode support

    /// The proposal of a running transaction, nil when it is not running.
    func proposal(of key: TransactionKey) -> Protos_SignedProposal? {
        state.withLock { state in state.transactions[key].flatMap { $0.outcome == nil ? $0.proposal : nil } }
    }

    /// Another registered chaincode, by id or name.
    func resolveChaincode(_ name: String) throws -> ChaincodeSession { try resolve(name) }

    /// Adds a called chaincode's writes to the running transaction `key`.
    func absorb(_ writes: [String: WriteSet], into key: TransactionKey) {
        state.withLock { state in
            guard state.transactions[key]?.outcome == nil, state.transactions[key] != nil else { return }
            for (namespace, set) in writes {
                state.transactions[key]!.writes[namespace, default: WriteSet()].merge(set)
            }
        }
    }

    /// The stream ended: every transaction still waiting fails with `reason`.
    func close(reason: String) {
        outbox.close()
        state.withLock { state in
            guard state.closedReason == nil else { return }
            state.closedReason = reason
            for (key, tx) in state.transactions where tx.outcome == nil {
                let failure = DebugPeerError.chaincodeDisconnected(chaincode: chaincodeID, txID: key.txid, reason: reason)
                if let waiter = tx.waiter {
                    state.transactions[key] = nil
                    waiter.resume(throwing: failure)
                } else {
                    state.transactions[key]?.outcome = .failure(failure)
                }
            }
        }
    }

    /// Queues a frame for the chaincode; once the stream is gone it is dropped (``close(reason:)`` has
    /// failed the transactions waiting for answers by then).
    func send(_ message: Protos_ChaincodeMessage) {
        _ = outbox.enqueue(message)
    }
}
