import ChaincodeProtocol
import Foundation
import GRPCCore
import Synchronization

/// The chaincode's side of the Register stream: writes frames to the peer
/// directly from the task that has them (the gRPC writer accepts concurrent
/// writers) and routes the peer's RESPONSE/ERROR frames to the request waiting
/// for them (one outstanding request per transaction, as in the Go shim).
final class PeerConnection: Sendable {
    private let state = Mutex(State())

    private struct State {
        var writer: RPCWriter<Protos_ChaincodeMessage>?
        var waiting: [Key: Slot] = [:]
        var closedReason: String?
        var closeWaiters: [CheckedContinuation<Void, Never>] = []
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

    /// Called by the request producer once its writer exists; frames can be sent from then on.
    func attach(_ writer: RPCWriter<Protos_ChaincodeMessage>) {
        state.withLock { $0.writer = writer }
    }

    /// Keeps the request stream open until ``close(reason:)``.
    func waitUntilClosed() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let closed = state.withLock { state -> Bool in
                if state.closedReason != nil { return true }
                state.closeWaiters.append(continuation)
                return false
            }
            if closed { continuation.resume() }
        }
    }

    /// Writes a frame to the peer.
    func send(_ message: Protos_ChaincodeMessage) async throws {
        try await state.withLock { try Self.openWriter($0) }.write(message)
    }

    private static func openWriter(_ state: borrowing State) throws -> RPCWriter<Protos_ChaincodeMessage> {
        if let reason = state.closedReason { throw ShimError.disconnected(reason) }
        guard let writer = state.writer else { throw ShimError.disconnected("the stream is not open yet") }
        return writer
    }

    /// Sends a request of `type` for a transaction and returns the RESPONSE payload; ERROR throws.
    func request(_ type: Protos_ChaincodeMessage.TypeEnum, payload: Data, txid: String, channel: String) async throws -> Data {
        let key = Key(channel: channel, txid: txid)
        // Reserve the slot before writing: the answer can arrive before write() returns.
        let writer = try state.withLock { state -> RPCWriter<Protos_ChaincodeMessage> in
            let writer = try Self.openWriter(state)
            guard state.waiting[key] == nil else {
                throw ShimError.protocolViolation("another request is pending for transaction \(txid)")
            }
            state.waiting[key] = .sent
            return writer
        }
        do {
            try await writer.write(Protos_ChaincodeMessage(type: type, payload: payload, txid: txid, channelID: channel))
        } catch {
            state.withLock { _ = $0.waiting.removeValue(forKey: key) }
            throw ShimError.disconnected("\(error)")
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
        let (waiters, closeWaiters) = state.withLock { state in
            guard state.closedReason == nil else { return ([CheckedContinuation<Protos_ChaincodeMessage, any Error>](), [CheckedContinuation<Void, Never>]()) }
            state.closedReason = reason
            state.writer = nil
            defer {
                state.waiting.removeAll()
                state.closeWaiters.removeAll()
            }
            let awaited = state.waiting.values.compactMap { slot -> CheckedContinuation<Protos_ChaincodeMessage, any Error>? in
                if case .awaited(let continuation) = slot { return continuation }
                return nil
            }
            return (awaited, state.closeWaiters)
        }
        for waiter in waiters { waiter.resume(throwing: ShimError.disconnected(reason)) }
        for waiter in closeWaiters { waiter.resume() }
    }
}
