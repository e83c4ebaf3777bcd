import Foundation
import Synchronization

/// A container's output (stdout and stderr mixed), line by line with the time each line arrived, and the
/// `follow=true` streams reading it live (pod-success/04, /06, /07).
final class ContainerLog: Sendable {
    private struct State {
        var lines: [(time: Date, text: String)] = []
        var partial = ""
        var followers: [Int: (sink: StreamSink, timestamps: Bool)] = [:]
        var closed = false
    }

    private let state = Mutex(State())

    /// Adds raw output; complete lines are stored and sent to followers.
    func append(_ bytes: [UInt8]) {
        state.withLock { state in
            state.partial += String(decoding: bytes, as: UTF8.self)
            while let newline = state.partial.firstIndex(of: "\n") {
                let text = String(state.partial[...newline])
                state.partial.removeSubrange(...newline)
                let line = (time: Date(), text: text)
                state.lines.append(line)
                for follower in state.followers.values { follower.sink.send(Self.render(line, follower.timestamps)) }
            }
        }
    }

    private static func render(_ line: (time: Date, text: String), _ timestamps: Bool) -> String {
        timestamps ? "\(Clock.nano(line.time)) \(line.text)" : line.text
    }

    /// All output so far; `tailLines` keeps the last lines only.
    func text(timestamps: Bool, tailLines: Int? = nil) -> String {
        state.withLock { state in
            var lines = state.lines
            if !state.partial.isEmpty { lines.append((Date(), state.partial)) }
            if let tailLines { lines = Array(lines.suffix(tailLines)) }
            return lines.map { Self.render($0, timestamps) }.joined()
        }
    }

    /// Sends what is there and keeps the stream open until ``close()``.
    func follow(_ sink: StreamSink, timestamps: Bool) {
        state.withLock { state in
            for line in state.lines { sink.send(Self.render(line, timestamps)) }
            if state.closed { sink.finish() } else { state.followers[sink.id] = (sink, timestamps) }
        }
        sink.onClose { [weak self] in _ = self?.state.withLock { $0.followers.removeValue(forKey: sink.id) } }
    }

    /// The container is gone: flush a last partial line and end every follow stream.
    func close() {
        state.withLock { state in
            if !state.partial.isEmpty {
                let line = (time: Date(), text: state.partial)
                state.lines.append(line)
                for follower in state.followers.values { follower.sink.send(Self.render(line, follower.timestamps)) }
                state.partial = ""
            }
            for follower in state.followers.values { follower.sink.finish() }
            state.followers = [:]
            state.closed = true
        }
    }
}
