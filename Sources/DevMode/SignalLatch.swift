import Foundation

/// Hands termination signals to whichever wait is current, keeping one that arrives between waits.
///
/// An `AsyncStream` would not do: cancelling a task that waits on one finishes the stream, and `dev run` cancels its
/// wait every time the chaincode restarts.
final class SignalLatch: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: Int32?
    private var waiter: CheckedContinuation<Int32?, Never>?

    func deliver(_ signal: Int32) {
        lock.withLock {
            if let waiter {
                self.waiter = nil
                waiter.resume(returning: signal)
            } else {
                pending = signal
            }
        }
    }

    /// The next signal, or nil when the waiting task is cancelled first.
    func next() async -> Int32? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Int32?, Never>) in
                lock.withLock {
                    if let signal = pending {
                        pending = nil
                        continuation.resume(returning: signal)
                    } else if Task.isCancelled {
                        continuation.resume(returning: nil)
                    } else {
                        waiter = continuation
                    }
                }
            }
        } onCancel: {
            lock.withLock {
                waiter?.resume(returning: nil)
                waiter = nil
            }
        }
    }
}
