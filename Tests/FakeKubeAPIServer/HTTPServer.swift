import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One decoded request.
struct HTTPRequest: Sendable {
    let method: String
    /// Percent-decoded path without the query.
    let path: String
    /// Raw query string, as received.
    let query: String
    let headers: HTTPHeaders
    let body: [UInt8]
    /// The client presented a certificate that chains to the fake's CA (client-certificate authentication).
    let hasClientCertificate: Bool

    /// Decoded query parameters (the last value wins).
    var parameters: [String: String] {
        var result: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ") }
            guard let key = parts.first?.removingPercentEncoding else { continue }
            result[key] = parts.count > 1 ? (parts[1].removingPercentEncoding ?? parts[1]) : ""
        }
        return result
    }
}

/// A TCP listener on 127.0.0.1 (TLS optional) that hands each complete request to a handler.
struct HTTPServer: Sendable {
    let group: MultiThreadedEventLoopGroup
    let channel: any Channel

    var port: Int { channel.localAddress?.port ?? 0 }

    static func start(tls: NIOSSLContext?,
                      handler: @escaping @Sendable (HTTPRequest, Responder) -> Void) async throws -> HTTPServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(RequestHandler(handler: handler))
                }
            }
        let channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        return HTTPServer(group: group, channel: channel)
    }

    func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }
}

/// Collects a request's head and body, then calls the handler.
private final class RequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart

    private let handler: @Sendable (HTTPRequest, Responder) -> Void
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(handler: @escaping @Sendable (HTTPRequest, Responder) -> Void) { self.handler = handler }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(var buffer):
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            guard let head else { return }
            let uri = head.uri
            let question = uri.firstIndex(of: "?")
            let rawPath = question.map { String(uri[..<$0]) } ?? uri
            let certificate = (try? context.channel.pipeline.syncOperations.nioSSL_peerCertificate()) ?? nil
            let request = HTTPRequest(
                method: head.method.rawValue, path: rawPath.removingPercentEncoding ?? rawPath,
                query: question.map { String(uri[uri.index(after: $0)...]) } ?? "",
                headers: head.headers, body: body, hasClientCertificate: certificate != nil)
            handler(request, Responder(channel: context.channel))
        }
    }
}
