import GRPCCore
import Synchronization

/// The frames waiting to go out on one Register stream, written by a single drain loop.
///
/// Senders queue a frame and return at once; the drain loop (``drain(into:)``) writes everything
/// queued since its last write with one `write(contentsOf:)`, which gRPC sends as one HTTP/2 DATA
/// frame and one flush. When several transactions produce frames in the same turn of the event
/// loop, they share one system call instead of paying one each. Frames go out in queue order.
///
/// A reader whose frames call for answers waits for room (``waitForRoom()``) between frames, so a
/// chaincode that sends requests but does not read the answers stops being read instead of making
/// the outbox grow without end.
public final class ChaincodeMessageOutbox: Sendable {
    /// Frames queued beyond which ``waitForRoom()`` holds a reader back.
    public let capacity: Int
    private let state = Mutex(State())

    private struct State: ~Copyable {
        var queued: [Protos_ChaincodeMessage] = []
        /// The drain loop, while it waits for frames.
        var drainer: UnsafeContinuation<Void, Never>?
        /// Readers waiting for the drain loop to take the queued frames.
        var roomWaiters: [UnsafeContinuation<Void, Never>] = []
        var isClosed = false
    }

    public init(capacity: Int = 1024) {
        self.capacity = capacity
    }

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

    /// Returns once fewer than ``capacity`` frames wait to be written, or the outbox is closed.
    public func waitForRoom() async {
        if state.withLock({ $0.isClosed || $0.queued.count < capacity }) { return }
        await withUnsafeContinuation { continuation in
            let roomNow = state.withLock { state -> Bool in
                if state.isClosed || state.queued.count < capacity { return true }
                state.roomWaiters.append(continuation)
                return false
            }
            if roomNow { continuation.resume() }
        }
    }

    /// Stops the drain loop and refuses further frames.
    public func close() {
        let (drainer, roomWaiters) = state.withLock { state in
            state.isClosed = true
            state.queued = []
            defer { (state.drainer, state.roomWaiters) = (nil, []) }
            return (state.drainer, state.roomWaiters)
        }
        drainer?.resume()
        for waiter in roomWaiters { waiter.resume() }
    }

    /// The frames queued so far, waiting until there is one; nil once closed.
    private func nextBatch() async -> [Protos_ChaincodeMessage]? {
        while true {
            let (batch, roomWaiters) = state.withLock { state -> ([Protos_ChaincodeMessage]?, [UnsafeContinuation<Void, Never>]) in
                guard !state.isClosed else { return (nil, []) }
                defer { (state.queued, state.roomWaiters) = ([], []) }
                return (state.queued, state.roomWaiters)
            }
            for waiter in roomWaiters { waiter.resume() }
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
