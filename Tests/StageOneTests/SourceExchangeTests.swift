import AsyncHTTPClient
import Foundation
import ImageBuild
import NIOCore
import NIOHTTP1
import NIOFoundationCompat
import Testing
import TestSupport

/// The one-time URLs of the source exchange, spoken to over real HTTP on 127.0.0.1.
@Suite(.serialized) struct SourceExchangeTests {
    private func request(_ method: HTTPMethod, _ url: String, token: String?, body: Data? = nil,
                         timeout: TimeAmount = .seconds(10)) async throws -> (UInt, Data) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer " + token) }
        if let body { request.body = .bytes(ByteBuffer(data: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        return (response.status.code, Data(buffer: try await response.body.collect(upTo: 1 << 20)))
    }

    @Test func eachURLWorksOnceAndOnlyWithTheToken() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let source = Data("the source tar.gz".utf8)
        let exchange = try await SourceExchange.start(source: source, outputFile: scratch.path + "/layer.tar.gz")
        try await withCleanup({ await exchange.close() }) {
            #expect(exchange.sourceURL.hasPrefix("http://127.0.0.1:"))

            #expect(try await request(.GET, exchange.sourceURL, token: nil).0 == 401, "no token")
            #expect(try await request(.GET, exchange.sourceURL, token: "not-the-token").0 == 401, "a wrong token")
            #expect(try await request(.GET, exchange.sourceURL + "x", token: exchange.token).0 == 404, "an unknown path")
            #expect(!exchange.sourceServed, "refused requests do not use up the URL")
            let fetched = try await request(.GET, exchange.sourceURL, token: exchange.token)
            #expect(fetched.0 == 200 && fetched.1 == source)
            #expect(try await request(.GET, exchange.sourceURL, token: exchange.token).0 == 404, "the source is served once")

            let layer = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
            #expect(try await request(.PUT, exchange.outputURL, token: "wrong", body: layer).0 == 401)
            #expect(try await request(.GET, exchange.outputURL, token: exchange.token).0 == 404, "the output URL takes PUT only")
            #expect(exchange.upload == nil)
            #expect(try await request(.PUT, exchange.outputURL, token: exchange.token, body: layer).0 == 201)
            let upload = try #require(exchange.upload)
            #expect(upload.size == Int64(layer.count))
            #expect(try Data(contentsOf: URL(fileURLWithPath: upload.file)) == layer)
            #expect(upload.digest == (try sha256(file: upload.file)))
            #expect(try await request(.PUT, exchange.outputURL, token: exchange.token, body: Data("again".utf8)).0 == 404,
                    "the output is accepted once")
            #expect(try Data(contentsOf: URL(fileURLWithPath: upload.file)) == layer, "a refused second upload changes nothing")
        }
    }

    @Test func closingStopsServing() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let exchange = try await SourceExchange.start(source: Data("x".utf8), outputFile: scratch.path + "/layer.tar.gz")
        await exchange.close()
        await #expect(throws: (any Error).self) {
            try await request(.GET, exchange.sourceURL, token: exchange.token, timeout: .seconds(1))
        }
    }
}
