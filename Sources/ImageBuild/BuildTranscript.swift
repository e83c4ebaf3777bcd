import Synchronization

/// What a running build said: the last lines (for the error of a failed build) and the summary line, if any.
final class BuildTranscript: Sendable {
    private struct Inner {
        var lines: [String] = []
        var summary: String?
    }

    /// Lines kept for an error message.
    static let keptLines = 40
    private let inner = Mutex(Inner())

    func append(_ line: String) {
        inner.withLock { state in
            state.lines.append(line)
            if state.lines.count > Self.keptLines { state.lines.removeFirst(state.lines.count - Self.keptLines) }
        }
    }

    func setSummary(_ line: String) { inner.withLock { $0.summary = line } }

    var summary: String? { inner.withLock { $0.summary } }

    /// The kept lines, one per line, indented.
    var tail: String { inner.withLock { $0.lines.map { "  " + $0 }.joined(separator: "\n") } }
}

/// `body`'s result, or nil when `duration` passes first (then `body` is cancelled).
func withTimeout<T: Sendable>(_ duration: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T? {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: duration)
            return nil
        }
        defer { group.cancelAll() }
        return try await group.next() ?? nil
    }
}

extension Duration {
    /// Whole seconds, rounded up (a deadline in seconds, for messages and `activeDeadlineSeconds`).
    var wholeSecondsUp: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) + (attoseconds > 0 ? 1 : 0)
    }
}
