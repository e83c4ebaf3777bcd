import ChaincodeProtocol
import Foundation
import GRPCCore
import Synchronization

/// The chaincode's side of the Register stream: queues frames for the peer in an
/// outbox that the request stream drains (frames ready together are written together)
/// and routes the peer's RESPONSE/ERROR frames to the request waiting for them
/// (one outstanding request per transaction, as in the Go shim).
final class ShimStreamEndpoint: Sendable {
    private let outbox = ChaincodeMessageOutbox()
    private let state = Mutex(State())

    private struct State {
        var waiting: [Key: Slot] = [:]
        var closedReason: String?
    }

    /// A request's answer, which may arrive before the requester starts waiting.
    private enum Slot {
        case sent
        case answered(Protos_ChaincodeMessage)
        case awaited(CheckedContinuation<Protos_ChaincodeMessage, any Error>)
    }

    private struct Key: Hashable {
        var channel: String
        var txid: String
    }

    /// Run by the request stream: writes the queued frames to `writer` until ``close(reason:)``.
    func drain(into writer: RPCWriter<Protos_ChaincodeMessage>) async throws {
        try await outbox.drain(into: writer)
    }

    /// Queues a frame for the peer; frames queued before the stream opens go out first.
    func send(_ message: Protos_ChaincodeMessage) throws {
        guard outbox.enqueue(message) else {
            throw ShimError.disconnected(state.withLock { $0.closedReason } ?? "the stream is closed")
        }
    }

    /// Sends a request of `type` for a transaction and returns the RESPONSE payload; ERROR throws.
    func request(_ type: Protos_ChaincodeMessage.TypeEnum, payload: Data, txid: String, channel: String) async throws -> Data {
        let key = Key(channel: channel, txid: txid)
        // Reserve the slot before sending: the answer can arrive before this task waits for it.
        try state.withLock { state in
            if let reason = state.closedReason { throw ShimError.disconnected(reason) }
            guard state.waiting[key] == nil else {
                throw ShimError.protocolViolation("another request is pending for transaction \(txid)")
            }
            state.waiting[key] = .sent
        }
        do {
            try send(Protos_ChaincodeMessage(type: type, payload: payload, txid: txid, channelID: channel))
        } catch {
            state.withLock { _ = $0.waiting.removeValue(forKey: key) }
            throw error
        }
        let reply = try await withCheckedThrowingContinuation { continuation in
            state.withLock { state in
                switch state.waiting[key] {
                case .answered(let message):
                    state.waiting[key] = nil
                    continuation.resume(returning: message)
                case .sent:
                    state.waiting[key] = .awaited(continuation)
                case .awaited, nil:
                    continuation.resume(throwing: ShimError.disconnected(state.closedReason ?? "the request was dropped"))
                }
            }
        }
        switch reply.type {
        case .response: return reply.payload
        case .error: throw ShimError.peer(String(decoding: reply.payload, as: UTF8.self))
        default: throw ShimError.protocolViolation("unexpected \(reply.type.protoName) in answer to \(type.protoName)")
        }
    }

    /// Hands a RESPONSE or ERROR from the peer to its waiting request.
    func deliver(_ message: Protos_ChaincodeMessage) throws {
        let key = Key(channel: message.channelID, txid: message.txid)
        let waiter = try state.withLock { state -> CheckedContinuation<Protos_ChaincodeMessage, any Error>? in
            switch state.waiting[key] {
            case .sent:
                state.waiting[key] = .answered(message)
                return nil
            case .awaited(let continuation):
                state.waiting[key] = nil
                return continuation
            case .answered, nil:
                throw ShimError.protocolViolation("\(message.type.protoName) for transaction \(message.txid) that has no pending request")
            }
        }
        waiter?.resume(returning: message)
    }

    /// The stream ended: fail pending requests and let the request stream finish.
    func close(reason: String) {
        let waiters = state.withLock { state -> [CheckedContinuation<Protos_ChaincodeMessage, any Error>] in
            guard state.closedReason == nil else { return [] }
            state.closedReason = reason
            defer { state.waiting.removeAll() }
            return state.waiting.values.compactMap { slot in
                if case .awaited(let continuation) = slot { return continuation }
                return nil
            }
        }
        outbox.close()
        for waiter in waiters { waiter.resume(throwing: ShimError.disconnected(reason)) }
    }
}
