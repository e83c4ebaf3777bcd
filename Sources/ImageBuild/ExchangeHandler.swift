import Crypto
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Synchronization

/// What a `SourceExchange` serves and accepts.
struct ExchangeRoutes: Sendable {
    let token: String
    let sourcePath: String
    let outputPath: String
    let source: Data
    let outputFile: String
    let maxOutputBytes: Int64
}

/// Which URLs were used, shared by the connections of one exchange.
final class ExchangeState: Sendable {
    private struct Inner {
        var sourceClaimed = false
        var outputClaimed = false
        var upload: SourceExchange.Upload?
    }

    private let inner = Mutex(Inner())

    var sourceServed: Bool { inner.withLock { $0.sourceClaimed } }
    var upload: SourceExchange.Upload? { inner.withLock { $0.upload } }

    /// True the first time only.
    func claimSource() -> Bool { inner.withLock { state in defer { state.sourceClaimed = true }; return !state.sourceClaimed } }
    func claimOutput() -> Bool { inner.withLock { state in defer { state.outputClaimed = true }; return !state.outputClaimed } }
    func received(_ upload: SourceExchange.Upload) { inner.withLock { $0.upload = upload } }
}

/// One connection of a `SourceExchange`: each request is decided on its head and answered at its end, then the
/// connection is closed.
final class ExchangeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// An upload being written.
    private final class Receiving {
        let file: FileHandle
        var hasher = SHA256()
        var size: Int64 = 0
        init(file: FileHandle) { self.file = file }
    }

    private enum Request {
        case refuse(HTTPResponseStatus, String)
        case serveSource
        case receive(Receiving)
    }

    private let routes: ExchangeRoutes
    private let state: ExchangeState
    private var request: Request?

    init(routes: ExchangeRoutes, state: ExchangeState) {
        self.routes = routes
        self.state = state
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            request = decide(head)
        case .body(var buffer):
            guard case .receive(let receiving) = request else { return }
            receiving.size += Int64(buffer.readableBytes)
            guard receiving.size <= routes.maxOutputBytes else {
                abandon(receiving)
                request = .refuse(.payloadTooLarge, "the output is larger than \(routes.maxOutputBytes) bytes\n")
                return
            }
            buffer.withUnsafeReadableBytes { receiving.hasher.update(bufferPointer: $0) }
            do {
                try receiving.file.write(contentsOf: buffer.readData(length: buffer.readableBytes) ?? Data())
            } catch {
                abandon(receiving)
                request = .refuse(.internalServerError, "cannot write the output: \(error)\n")
            }
        case .end:
            // Taken first: answering may close the connection at once, and `channelInactive` must not see it.
            let finished = request
            request = nil
            switch finished {
            case .serveSource:
                respond(context, .ok, body: ByteBuffer(data: routes.source), contentType: "application/gzip")
            case .receive(let receiving):
                do {
                    try receiving.file.close()
                    let digest = "sha256:" + receiving.hasher.finalize().map { String(format: "%02x", $0) }.joined()
                    state.received(SourceExchange.Upload(file: routes.outputFile, digest: digest, size: receiving.size))
                    respond(context, .created, body: ByteBuffer(string: digest + "\n"))
                } catch {
                    respond(context, .internalServerError, body: ByteBuffer(string: "cannot write the output: \(error)\n"))
                }
            case .refuse(let status, let message):
                respond(context, status, body: ByteBuffer(string: message))
            case nil:
                break
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .receive(let receiving) = request { abandon(receiving) }
        request = nil
        context.fireChannelInactive()
    }

    private func decide(_ head: HTTPRequestHead) -> Request {
        guard head.headers["Authorization"].contains(where: { Self.constantTimeEqual($0, "Bearer " + routes.token) }) else {
            return .refuse(.unauthorized, "a valid bearer token is required\n")
        }
        if head.method == .GET, head.uri == routes.sourcePath, state.claimSource() {
            return .serveSource
        }
        if head.method == .PUT, head.uri == routes.outputPath, state.claimOutput() {
            _ = FileManager.default.createFile(atPath: routes.outputFile, contents: nil)
            guard let file = FileHandle(forWritingAtPath: routes.outputFile) else {
                return .refuse(.internalServerError, "cannot create the output file\n")
            }
            return .receive(Receiving(file: file))
        }
        return .refuse(.notFound, "no such URL, or it was used already\n")
    }

    /// A broken or refused upload: the partial file is removed.
    private func abandon(_ receiving: Receiving) {
        try? receiving.file.close()
        try? FileManager.default.removeItem(atPath: routes.outputFile)
    }

    private func respond(_ context: ChannelHandlerContext, _ status: HTTPResponseStatus, body: ByteBuffer,
                         contentType: String = "text/plain; charset=utf-8") {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    private static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
