import AsyncHTTPClient
import NIOCore

/// The lines of a streamed response body (a watch or a followed log), as they arrive; a last line without a
/// newline is delivered when the stream ends.
public struct ResponseLines: AsyncSequence, Sendable {
    public typealias Element = String
    let body: HTTPClientResponse.Body

    public struct AsyncIterator: AsyncIteratorProtocol {
        var chunks: HTTPClientResponse.Body.AsyncIterator
        var pending: [UInt8] = []
        var finished = false

        public mutating func next() async throws -> String? {
            while true {
                if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[..<newline], as: UTF8.self)
                    pending.removeSubrange(...newline)
                    return line
                }
                if finished {
                    guard !pending.isEmpty else { return nil }
                    defer { pending.removeAll() }
                    return String(decoding: pending, as: UTF8.self)
                }
                if let chunk = try await chunks.next() {
                    pending.append(contentsOf: chunk.readableBytesView)
                } else {
                    finished = true
                }
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(chunks: body.makeAsyncIterator())
    }
}
