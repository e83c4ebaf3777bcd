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
