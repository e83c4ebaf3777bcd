import Foundation
import Synchronization

/// The log of one sandboxed run, build and chaincode output in order, kept in memory for readers that come and go:
/// each reader gets everything from the start, then what follows, until the log is finished.
public final class RunLog: Sendable {
    private struct State {
        var data = Data()
        var finished = false
        var followers: [UUID: AsyncStream<Data>.Continuation] = [:]
    }
    private let state = Mutex(State())

    public init() {}

    /// Appends bytes (already capped by whoever captured them).
    public func append(_ bytes: Data) {
        guard !bytes.isEmpty else { return }
        state.withLock { state in
            guard !state.finished else { return }
            state.data.append(bytes)
            for follower in state.followers.values { follower.yield(bytes) }
        }
    }

    /// Appends one line of k8svm's own, on a line of its own.
    public func note(_ line: String) {
        let fresh = state.withLock { $0.data.last.map { $0 == UInt8(ascii: "\n") } ?? true }
        append(Data("\(fresh ? "" : "\n")k8svm sandbox: \(line)\n".utf8))
    }

    /// Everything so far.
    public var contents: Data { state.withLock { $0.data } }

    /// No more output will come; followers' streams end.
    public func finish() {
        let followers = state.withLock { state -> [AsyncStream<Data>.Continuation] in
            state.finished = true
            defer { state.followers = [:] }
            return Array(state.followers.values)
        }
        for follower in followers { follower.finish() }
    }

    /// Everything so far, then new output as it comes, until `finish()`.
    public func follow() -> AsyncStream<Data> {
        let (stream, continuation) = AsyncStream<Data>.makeStream()
        let id = UUID()
        state.withLock { state in
            continuation.yield(state.data)
            if state.finished {
                continuation.finish()
            } else {
                state.followers[id] = continuation
            }
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.followers.removeValue(forKey: id) }
        }
        return stream
    }
}
