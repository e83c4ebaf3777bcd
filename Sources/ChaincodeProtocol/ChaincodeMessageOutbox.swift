import GRPCCore
import Synchronization

/// The frames waiting to go out on one Register stream, written by a single drain loop.
///
/// Senders queue a frame and return at once; the drain loop (``drain(into:)``) writes everything
/// queued since its last write with one `write(contentsOf:)`, which gRPC sends as one HTTP/2 DATA
/// frame and one flush. When several transactions produce frames in the same turn of the event
/// loop, they share one system call instead of paying one each. Frames go out in queue order.
public final class ChaincodeMessageOutbox: Sendable {
    private let state = Mutex(State())

    private struct State: ~Copyable {
        var queued: [Protos_ChaincodeMessage] = []
        /// The drain loop, while it waits for frames.
        var drainer: UnsafeContinuation<Void, Never>?
        var isClosed = false
    }

    public init() {}

    /// Queues `message` for the drain loop; false when the outbox is closed (the frame is dropped).
    public func enqueue(_ message: Protos_ChaincodeMessage) -> Bool {
        let (accepted, drainer) = state.withLock { state -> (Bool, UnsafeContinuation<Void, Never>?) in
            guard !state.isClosed else { return (false, nil) }
            state.queued.append(message)
            defer { state.drainer = nil }
            return (true, state.drainer)
        }
        drainer?.resume()
        return accepted
    }

    /// Writes queued frames to `writer` until the outbox is closed or the task is cancelled
    /// (frames still queued then are dropped); throws what the writer throws.
    public func drain(into writer: RPCWriter<Protos_ChaincodeMessage>) async throws {
        while let batch = await nextBatch() {
            try await writer.write(contentsOf: batch)
        }
    }

    /// Stops the drain loop and refuses further frames.
    public func close() {
        let drainer = state.withLock { state -> UnsafeContinuation<Void, Never>? in
            state.isClosed = true
            state.queued = []
            defer { state.drainer = nil }
            return state.drainer
        }
        drainer?.resume()
    }

    /// The frames queued so far, waiting until there is one; nil once closed.
    private func nextBatch() async -> [Protos_ChaincodeMessage]? {
        while true {
            let batch = state.withLock { state -> [Protos_ChaincodeMessage]? in
                guard !state.isClosed else { return nil }
                defer { state.queued = [] }
                return state.queued
            }
            guard let batch else { return nil }
            if !batch.isEmpty { return batch }
            await withTaskCancellationHandler {
                await withUnsafeContinuation { continuation in
                    let ready = state.withLock { state -> Bool in
                        if state.isClosed || !state.queued.isEmpty { return true }
                        state.drainer = continuation
                        return false
                    }
                    if ready { continuation.resume() }
                }
            } onCancel: {
                close()
            }
        }
    }
}
