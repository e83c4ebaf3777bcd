import AsyncHTTPClient
import Foundation
import HTTPTransport
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOSSL
import Synchronization

/// A distribution-spec client for one registry (`host` or `host:port`).
///
/// Every request goes out anonymously or with what an earlier challenge asked for; a 401 answer's
/// `WWW-Authenticate` challenge is then met (HTTP Basic with the credentials, or a bearer token fetched from the
/// challenge's realm for its service and scope, cached per scope) and the request is sent once more.
/// Manifests and blobs live in `RegistryClient+Manifests.swift` and `RegistryClient+Blobs.swift`.
public final class RegistryClient: Sendable {
    /// `host` or `host:port`.
    public let registry: String
    public let scheme: RegistryScheme
    /// Blobs of at least this many bytes are uploaded in chunks of this size; smaller ones in one request.
    public let chunkSize: Int
    let credentials: RegistryCredentials?
    let http: HTTPClient
    let authenticator: RegistryAuthenticator
    private let counts = Mutex(TransferCounts())

    /// - Parameters:
    ///   - scheme: by default plain HTTP for loopback registries, HTTPS otherwise.
    ///   - credentials: for example from ``RegistryCredentials/fromDockerConfig(for:path:environment:)``.
    ///   - chunkSize: blobs this large or larger go up in PATCH chunks of this size.
    ///   - connectTimeout: how long failed connection attempts (refused, TLS handshake) are retried before the
    ///     registry counts as unreachable.
    public init(registry: String, scheme: RegistryScheme? = nil, credentials: RegistryCredentials? = nil,
                chunkSize: Int = 16 << 20, connectTimeout: TimeAmount = .seconds(10)) throws {
        self.registry = registry
        self.scheme = scheme ?? .default(for: registry)
        self.credentials = credentials
        self.chunkSize = chunkSize
        var tls = TLSConfiguration.makeClientConfiguration()
        if case .https(let caFile, let insecureSkipVerify) = self.scheme {
            if let caFile {
                do {
                    tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
                } catch {
                    throw RegistryInputError("the CA file \(caFile) for registry \(registry) is not usable PEM: \(error)")
                }
            }
            if insecureSkipVerify { tls.certificateVerification = .none }
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.httpVersion = .http1Only
        configuration.timeout = .init(connect: connectTimeout)
        configuration.decompression = .disabled
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        authenticator = RegistryAuthenticator(registry: registry, scheme: self.scheme, credentials: credentials)
    }

    /// Closes the connections. Call once, when done with the client.
    public func shutdown() async {
        try? await http.shutdown()
    }

    /// What this client has moved so far.
    public var transferCounts: TransferCounts { counts.withLock { $0 } }

    func count(_ update: (inout TransferCounts) -> Void) {
        counts.withLock { update(&$0) }
    }

    /// One request to the registry, with what it needs to be authorised and described in errors.
    struct Request: Sendable {
        var method: HTTPMethod
        /// A path (`/v2/…`) or an absolute URL the registry handed out (an upload `Location`).
        var target: String
        var headers: [(String, String)] = []
        var body: ByteBuffer? = nil
        /// The repository the request is about, for error messages.
        var repository: String
        /// Token scopes the request needs, e.g. `repository:cc/basic:pull,push`.
        var scopes: [String]
        /// What K8sVM is doing, for error messages.
        var operation: String
    }

    /// The scope for reading `repository`.
    static func pullScope(_ repository: String) -> String { "repository:\(repository):pull" }
    /// The scope for writing `repository`.
    static func pushScope(_ repository: String) -> String { "repository:\(repository):pull,push" }

    /// Sends `request`, meeting one authentication challenge. 401/403 in the end and transport failures are thrown;
    /// any other status is returned for the caller to judge.
    func send(_ request: Request, timeout: TimeAmount = .seconds(60)) async throws -> HTTPClientResponse {
        var authorization = authenticator.cachedAuthorization(scopes: request.scopes)
        var challenged = false
        while true {
            let response = try await execute(request, authorization: authorization, timeout: timeout)
            let status = response.status.code
            if status == 401 || status == 403 {
                let body = (try? await response.body.collect(upTo: 1 << 20)).map { Data(buffer: $0) } ?? Data()
                if status == 401, !challenged,
                   let challenge = response.headers.first(name: "WWW-Authenticate").flatMap(AuthChallenge.init(header:)),
                   let next = try await authenticator.authorization(for: challenge, request: request, http: http) {
                    challenged = true
                    authorization = next
                    continue
                }
                throw RegistryError(registry: registry, operation: request.operation,
                                    kind: .unauthorized(repository: request.repository, username: credentials?.username,
                                                        detail: DistributionErrorBody.summary(of: body)))
            }
            return response
        }
    }

    /// Sends `request` and returns the body of a 2xx answer, reading at most `limit` bytes.
    func data(_ request: Request, limit: Int = 16 << 20, notFound: String? = nil) async throws -> (HTTPClientResponse, Data) {
        let response = try await send(request)
        guard (200..<300).contains(response.status.code) else {
            throw await failure(response, request, notFound: notFound)
        }
        do {
            return (response, Data(buffer: try await response.body.collect(upTo: limit)))
        } catch {
            throw RegistryError(registry: registry, operation: request.operation, kind: .unreachable(TransportFailure(error)))
        }
    }

    /// The error for an unexpected answer; a 404 becomes `.notFound(notFound)` when given.
    func failure(_ response: HTTPClientResponse, _ request: Request, notFound: String? = nil) async -> RegistryError {
        let body = (try? await response.body.collect(upTo: 1 << 20)).map { Data(buffer: $0) } ?? Data()
        let code = Int(response.status.code)
        if code == 404, let notFound {
            return RegistryError(registry: registry, operation: request.operation, kind: .notFound(what: notFound))
        }
        return RegistryError(registry: registry, operation: request.operation,
                             kind: .status(code: code, detail: DistributionErrorBody.summary(of: body)))
    }

    /// The absolute URL of a path or of a `Location` the registry returned.
    func url(_ target: String) -> String {
        target.hasPrefix("http://") || target.hasPrefix("https://") ? target : "\(scheme.urlScheme)://\(registry)\(target)"
    }

    private func execute(_ request: Request, authorization: String?, timeout: TimeAmount) async throws -> HTTPClientResponse {
        let address = url(request.target)
        var http = HTTPClientRequest(url: address)
        http.method = request.method
        http.headers.add(name: "User-Agent", value: "k8svm")
        for (name, value) in request.headers { http.headers.add(name: name, value: value) }
        // Credentials go to this registry's host only, not to another host an upload Location may name.
        if let authorization, URLComponents(string: address)?.host == URLComponents(string: url(""))?.host {
            http.headers.add(name: "Authorization", value: authorization)
        }
        if let body = request.body {
            http.body = .bytes(body)
        } else if request.method == .PUT || request.method == .POST || request.method == .PATCH {
            http.headers.add(name: "Content-Length", value: "0")
        }
        do {
            return try await self.http.execute(http, timeout: timeout)
        } catch {
            if error is CancellationError || Task.isCancelled { throw CancellationError() }
            throw RegistryError(registry: registry, operation: request.operation, kind: .unreachable(TransportFailure(error)))
        }
    }
}
