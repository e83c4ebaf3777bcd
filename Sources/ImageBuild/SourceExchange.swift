import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOPosix

/// The build process's side of stage 1 (DESIGN decision 1: the build container holds no credentials): an HTTP
/// server on an ephemeral port that serves the source tar.gz at `sourceURL` and receives the output layer at
/// `outputURL`, each exactly once and only with `Authorization: Bearer <token>`. Anything else is refused: a
/// missing or wrong token with 401, an unknown path, a wrong method or a second use of a URL with 404, an upload
/// larger than allowed with 413. The upload is written to `outputFile` while it is hashed.
public final class SourceExchange: Sendable {
    /// The received output layer.
    public struct Upload: Sendable, Equatable {
        public let file: String
        /// `sha256:<hex>` of the bytes received.
        public let digest: String
        public let size: Int64
    }

    /// GET: the source tar.gz.
    public let sourceURL: String
    /// PUT: the output layer.
    public let outputURL: String
    /// The one-time bearer token of both URLs.
    public let token: String
    private let channel: any Channel
    private let state: ExchangeState

    private init(sourceURL: String, outputURL: String, token: String, channel: any Channel, state: ExchangeState) {
        self.sourceURL = sourceURL
        self.outputURL = outputURL
        self.token = token
        self.channel = channel
        self.state = state
    }

    /// Starts serving.
    /// - Parameters:
    ///   - source: the tar.gz to serve.
    ///   - outputFile: where the upload is written (replaced).
    ///   - bindHost: the address to listen on (`127.0.0.1`, `0.0.0.0`, the peer Pod's IP).
    ///   - advertisedHost: the address the build container reaches this process by (default: `bindHost`).
    ///   - maxOutputBytes: the largest upload accepted.
    public static func start(source: Data, outputFile: String, bindHost: String = "127.0.0.1", advertisedHost: String? = nil,
                             maxOutputBytes: Int64 = 4 << 30) async throws -> SourceExchange {
        let token = randomHex(bytes: 32)
        let prefix = "/k8svm-stage1/" + randomHex(bytes: 16)
        let routes = ExchangeRoutes(token: token, sourcePath: prefix + "/source.tar.gz", outputPath: prefix + "/output.tar.gz",
                                    source: source, outputFile: outputFile, maxOutputBytes: maxOutputBytes)
        let state = ExchangeState()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(ExchangeHandler(routes: routes, state: state))
                }
            }
            .bind(host: bindHost, port: 0).get()
        guard let port = channel.localAddress?.port else {
            try? await channel.close()
            throw SourceExchangeError("the source exchange could not find its own port")
        }
        var host = advertisedHost ?? bindHost
        if host.contains(":") { host = "[\(host)]" }
        let base = "http://\(host):\(port)"
        return SourceExchange(sourceURL: base + routes.sourcePath, outputURL: base + routes.outputPath, token: token,
                              channel: channel, state: state)
    }

    /// Whether the source was fetched.
    public var sourceServed: Bool { state.sourceServed }

    /// The output layer, once completely received; nil before (or after a broken upload).
    public var upload: Upload? { state.upload }

    /// Stops listening; connections still open are closed.
    public func close() async {
        try? await channel.close()
    }

    private static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}

/// An error of the exchange itself (not of the build).
public struct SourceExchangeError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
