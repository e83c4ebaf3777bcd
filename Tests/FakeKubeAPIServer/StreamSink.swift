import NIOCore
import NIOHTTP1

/// The open chunked body of a watch or a `log?follow=true` response. Headers were already flushed
/// (README item 5: "Headers are flushed at once, before any event").
final class StreamSink: Sendable {
    let id: Int
    private let channel: any Channel

    init(id: Int, channel: any Channel) {
        self.id = id
        self.channel = channel
    }

    /// Sends one chunk.
    func send(_ text: String) {
        channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(string: text))), promise: nil)
    }

    /// Ends the chunked body cleanly (the connection stays usable).
    func finish() {
        channel.writeAndFlush(HTTPServerResponsePart.end(nil), promise: nil)
    }

    /// Drops the connection without ending the body, as when the API server restarts.
    func abort() {
        channel.close(promise: nil)
    }

    /// Runs `body` once the client or the server closed the connection.
    func onClose(_ body: @escaping @Sendable () -> Void) {
        channel.closeFuture.whenComplete { _ in body() }
    }
}
