import AsyncHTTPClient
import HTTPTransport
import NIOCore
import NIOPosix
import Testing

/// Real requests of async-http-client against real loopback servers that fail in each way, classified by type.
@Suite struct TransportFailureTests {
    /// What a test server does with each connection it accepts.
    private enum Behaviour {
        case close, stayQuiet, sendPlainText
    }

    private final class ConnectionHandler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        private let behaviour: Behaviour
        init(_ behaviour: Behaviour) { self.behaviour = behaviour }

        func channelActive(context: ChannelHandlerContext) {
            switch behaviour {
            case .close:
                context.close(promise: nil)
            case .stayQuiet:
                break
            case .sendPlainText:
                context.writeAndFlush(NIOAny(ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")), promise: nil)
            }
        }
    }

    /// Runs `body` with the port of a server on 127.0.0.1 that treats every connection as `behaviour`; closed after.
    private func withServer(_ behaviour: Behaviour, _ body: (Int) async throws -> Void) async throws {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(ConnectionHandler(behaviour)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        do {
            try await body(channel.localAddress!.port!)
        } catch {
            try? await channel.close()
            throw error
        }
        try await channel.close()
    }

    /// The failure of one GET of `url`, with a short deadline.
    private func failure(of url: String) async throws -> TransportFailure {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(2)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let caught: (any Error)?
        do {
            _ = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(2))
            caught = nil
        } catch {
            caught = error
        }
        try await client.shutdown()
        return TransportFailure(try #require(caught, "the request failed"))
    }

    @Test func aPortNobodyListensOnIsRefused() async throws {
        var closedPort = 0
        try await withServer(.close) { closedPort = $0 }
        let failure = try await failure(of: "http://127.0.0.1:\(closedPort)/")
        #expect(failure == .refused)
        #expect(failure.reason == "connection refused")
        #expect(failure.isConnectionFailure)
    }

    @Test func aServerThatHangsUpClosedTheConnection() async throws {
        try await withServer(.close) { port in
            let failure = try await failure(of: "http://127.0.0.1:\(port)/")
            #expect(failure == .closed, "\(failure)")
            #expect(failure.isConnectionFailure)
        }
    }

    @Test func aServerThatNeverAnswersRunsOutOfTime() async throws {
        try await withServer(.stayQuiet) { port in
            let failure = try await failure(of: "http://127.0.0.1:\(port)/")
            #expect(failure == .noAnswerInTime, "\(failure)")
            #expect(failure.reason == "no answer in time")
        }
    }

    @Test func plainTextWhereTLSWasExpectedIsAHandshakeFailure() async throws {
        try await withServer(.sendPlainText) { port in
            let failure = try await failure(of: "https://127.0.0.1:\(port)/")
            guard case .tls = failure else {
                Issue.record("expected a TLS failure, got \(failure)")
                return
            }
            #expect(failure.reason.hasPrefix("TLS handshake failed: "))
            #expect(!failure.isConnectionFailure, "a TLS failure is not worth sending again")
        }
    }
}
