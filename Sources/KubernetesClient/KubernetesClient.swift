import AsyncHTTPClient
import Foundation
import HTTPTransport
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOSSL
import Synchronization

/// A client of one Kubernetes API server, following client-go's conventions: TLS with the cluster's CA, client
/// certificates or a (rotating) bearer token, `Status` errors decoded, and requests the server turned away for now
/// (429 with `Retry-After`, 5xx, connection refused) tried again with backoff.
public final class KubernetesClient: Sendable {
    public let access: ClusterAccess
    public let retryPolicy: RetryPolicy
    let http: HTTPClient
    private let tokens = TokenFileCache()
    private let userAgent: String
    private let sent = Atomic<Int>(0)

    /// - Parameter userAgent: sent with every request; the server records it as the field manager.
    public init(access: ClusterAccess, retryPolicy: RetryPolicy = .init(), userAgent: String = "k8svm") throws {
        if access.tlsServerName != nil {
            throw KubeConfigError("the kubeconfig's tls-server-name is not supported by k8svm; use a server URL whose host the certificate names")
        }
        self.access = access
        self.retryPolicy = retryPolicy
        self.userAgent = userAgent
        var tls = TLSConfiguration.makeClientConfiguration()
        do {
            if let ca = access.certificateAuthorityPEM {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(ca.utf8)))
            }
            if case .clientCertificate(let certificate, let key, _) = access.credentials {
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(certificate.utf8)).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(key.utf8), format: .pem))
            }
        } catch {
            throw KubeConfigError("the Kubernetes TLS material is not usable PEM: \(error)")
        }
        if access.insecureSkipTLSVerify { tls.certificateVerification = .none }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.httpVersion = .http1Only
        configuration.timeout = .init(connect: .seconds(10))
        configuration.decompression = .disabled
        // A refused connection fails its request at once; `retryPolicy` decides when to try again (left to itself,
        // the pool would keep reconnecting until the request's deadline).
        configuration.connectionPool.retryConnectionEstablishment = false
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Closes the connections. Call once, when done with the client.
    public func shutdown() async {
        try? await http.shutdown()
    }

    /// How many HTTP requests this client has sent, retries included.
    public var requestCount: Int { sent.load(ordering: .relaxed) }

    /// A request to the API: method, path (`/api/v1/...`) and query items.
    struct Request: Sendable {
        var method: HTTPMethod
        var path: String
        var query: [(String, String)] = []
        var body: Data? = nil
        var contentType = "application/json"

        var description: String { "\(method.rawValue) \(path)" }

        /// Creates, and other requests the server may have carried out before failing, are only tried again when
        /// the server said it did not take them (429) or never got them.
        var isIdempotent: Bool { method != .POST && method != .PATCH }
    }

    /// Sends `request` and returns the response body; a non-2xx reply becomes a `KubernetesError`.
    func send(_ request: Request) async throws -> ByteBuffer {
        let response = try await open(request, deadline: .seconds(60))
        return try await response.body.collect(upTo: 64 << 20)
    }

    /// Sends `request` and returns the response once its head arrived, for streaming bodies (watch, logs).
    /// The body is not bounded in time; `deadline` bounds the wait for the head.
    func open(_ request: Request, deadline: TimeAmount = .seconds(60)) async throws -> HTTPClientResponse {
        var attempt = 0
        while true {
            attempt += 1
            let outcome: Result<HTTPClientResponse, any Error>
            do {
                outcome = .success(try await http.execute(try prepared(request), timeout: deadline))
            } catch {
                outcome = .failure(error)
            }
            sent.add(1, ordering: .relaxed)
            switch outcome {
            case .success(let response) where (200..<300).contains(Int(response.status.code)):
                return response
            case .success(let response):
                let error = try await decodeError(response, request: request)
                let retryable = error.code == 429 || (error.code >= 500 && (request.isIdempotent || error.code == 503))
                guard retryable, attempt < retryPolicy.attempts else { throw error }
                let retryAfter = response.headers.first(name: "Retry-After").flatMap { Int($0) }
                    ?? error.status?.details?.retryAfterSeconds
                try await Task.sleep(for: retryPolicy.delay(afterAttempt: attempt, retryAfter: retryAfter))
            case .failure(let error):
                if error is CancellationError || Task.isCancelled { throw CancellationError() }
                guard Self.neverReachedServer(error), attempt < retryPolicy.attempts else {
                    throw KubernetesUnreachable(server: access.server, request: request.description, underlying: error)
                }
                try await Task.sleep(for: retryPolicy.delay(afterAttempt: attempt, retryAfter: nil))
            }
        }
    }

    private func prepared(_ request: Request) throws -> HTTPClientRequest {
        var components = URLComponents()
        components.queryItems = request.query.isEmpty ? nil : request.query.map { URLQueryItem(name: $0.0, value: $0.1) }
        // URLComponents leaves `+` and `:` alone; Go's server decodes `+` as a space.
        let query = components.percentEncodedQuery.map { "?" + $0.replacingOccurrences(of: "+", with: "%2B") } ?? ""
        var http = HTTPClientRequest(url: access.server + request.path + query)
        http.method = request.method
        http.headers.add(name: "User-Agent", value: userAgent)
        http.headers.add(name: "Accept", value: "application/json, */*")
        if let body = request.body {
            http.headers.add(name: "Content-Type", value: request.contentType)
            http.body = .bytes(ByteBuffer(bytes: body))
        }
        switch access.credentials {
        case .none:
            break
        case .bearer(let token), .clientCertificate(_, _, .some(let token)):
            http.headers.add(name: "Authorization", value: "Bearer \(try token.current(cache: tokens))")
        case .basic(let username, let password):
            http.headers.add(name: "Authorization", value: "Basic \(Data("\(username):\(password)".utf8).base64EncodedString())")
        case .clientCertificate:
            break
        }
        return http
    }

    private func decodeError(_ response: HTTPClientResponse, request: Request) async throws -> KubernetesError {
        let body = (try? await response.body.collect(upTo: 1 << 20)) ?? ByteBuffer()
        let status = try? JSONDecoder().decode(KubernetesStatus.self, from: Data(buffer: body))
        return KubernetesError(code: Int(response.status.code), status: status, request: request.description)
    }

    /// Connection refused and similar: the request never got an answer, so sending it again is worth it.
    private static func neverReachedServer(_ error: any Error) -> Bool {
        TransportFailure(error).isConnectionFailure
    }
}

/// The API server could not be reached at all (refused, reset, TLS failure, timeout).
public struct KubernetesUnreachable: Error, Sendable, CustomStringConvertible {
    public let server: String
    public let request: String
    public let underlying: any Error

    public init(server: String, request: String, underlying: any Error) {
        self.server = server
        self.request = request
        self.underlying = underlying
    }

    public var description: String { "Kubernetes API server \(server) unreachable (\(request)): \(failure.reason)" }

    /// Why, as the transport reported it.
    public var failure: TransportFailure { TransportFailure(underlying) }
}
