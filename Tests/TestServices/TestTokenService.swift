import Crypto
import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A registry token service (the "realm" of docker/distribution's token auth) on 127.0.0.1 for tests.
///
/// `GET /token?service=&scope=` with HTTP Basic answers `{"token": …}`; `POST /token` with the OAuth2 refresh-token
/// grant answers `{"access_token": …}`. Tokens are ES256 JWTs carrying the signing certificate in `x5c`, granting
/// exactly the requested scopes to the one known user. Start it, then start a ``TestRegistry`` with ``registryAuth``.
public final class TestTokenService: Sendable {
    public static let service = "k8svm-test-registry"
    public static let issuer = "k8svm-test-token-service"
    /// The user and password (or refresh token) the service accepts.
    public let username: String
    public let password: String
    public let refreshToken: String
    /// `http://127.0.0.1:PORT/token`.
    public let realm: String
    private let certificatePEM: String
    private let task: Task<Void, any Error>
    private let recorded: RequestLog

    /// Starts listening on a free port of 127.0.0.1.
    public init(username: String, password: String, refreshToken: String) async throws {
        self.username = username
        self.password = password
        self.refreshToken = refreshToken
        let key = P256.Signing.PrivateKey()
        let signer = try TestCertificates.tokenSigner(key)
        certificatePEM = signer.pem
        let recorded = RequestLog()
        self.recorded = recorded
        let issuer = TokenIssuer(key: key, certificateDER: signer.der, issuer: Self.issuer, service: Self.service)
        let credentials = (username, password, refreshToken)

        let router = Router()
        router.get("token") { request, _ -> Response in
            let scopes = request.uri.queryParameters.getAll("scope").map { String($0) }
            recorded.append("GET " + scopes.joined(separator: " "))
            let expected = "Basic " + Data("\(credentials.0):\(credentials.1)".utf8).base64EncodedString()
            guard request.headers[.authorization] == expected else { return Self.reply(.unauthorized, #"{"details":"wrong credentials"}"#) }
            return Self.reply(.ok, #"{"token":"\#(try issuer.token(subject: credentials.0, scopes: scopes))","expires_in":300}"#)
        }
        router.post("token") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 16)
            let form = Self.formFields(String(buffer: body))
            let scopes = form.filter { $0.0 == "scope" }.map(\.1)
            recorded.append("POST " + scopes.joined(separator: " "))
            guard form.contains(where: { $0 == ("grant_type", "refresh_token") }),
                  form.contains(where: { $0 == ("refresh_token", credentials.2) }) else {
                return Self.reply(.unauthorized, #"{"error":"invalid_grant"}"#)
            }
            return Self.reply(.ok, #"{"access_token":"\#(try issuer.token(subject: credentials.0, scopes: scopes))","expires_in":300}"#)
        }
        let (bound, boundContinuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "k8svm-test-token-service")
        logger.logLevel = .critical
        let application = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "k8svm-test-token-service"),
            onServerRunning: { channel in
                boundContinuation.yield(channel.localAddress?.port ?? 0)
                boundContinuation.finish()
            },
            logger: logger)
        let task = Task {
            defer { boundContinuation.finish() }
            try await application.run()
        }
        self.task = task
        var iterator = bound.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await task.value
            throw TestServiceError("the token service stopped before listening")
        }
        realm = "http://127.0.0.1:\(port)/token"
    }

    /// The auth section for a ``TestRegistry`` that trusts this service.
    public var registryAuth: TestRegistry.Auth {
        .token(realm: realm, service: Self.service, issuer: Self.issuer, rootCertificatePEM: certificatePEM)
    }

    /// The token requests so far: method and requested scopes, e.g. `GET repository:base:pull`.
    public var requests: [String] { recorded.entries }

    /// Stops listening.
    public func stop() async {
        task.cancel()
        _ = await task.result
    }

    private static func reply(_ status: HTTPResponse.Status, _ json: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: json)))
    }

    private static func formFields(_ text: String) -> [(String, String)] {
        text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0) }
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }
    }
}

/// The token requests a service received, in order.
final class RequestLog: Sendable {
    private let lines = Mutex<[String]>([])

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    var entries: [String] { lines.withLock { $0 } }
}

/// Signs registry tokens: a JWS (ES256, raw r‖s signature) whose header carries the signer's certificate in `x5c`
/// and whose claims grant `access` for the requested `repository:NAME:ACTIONS` scopes.
struct TokenIssuer: Sendable {
    let key: P256.Signing.PrivateKey
    let certificateDER: [UInt8]
    let issuer: String
    let service: String

    func token(subject: String, scopes: [String]) throws -> String {
        let now = Int(Date().timeIntervalSince1970)
        let access: [[String: Any]] = scopes.compactMap { scope -> [String: Any]? in
            let parts = scope.split(separator: ":").map(String.init)
            guard parts.count >= 3 else { return nil }
            return ["type": parts[0], "name": parts[1..<(parts.count - 1)].joined(separator: ":"),
                    "actions": parts[parts.count - 1].split(separator: ",").map(String.init)]
        }
        let header: [String: Any] = ["typ": "JWT", "alg": "ES256", "x5c": [Data(certificateDER).base64EncodedString()]]
        let claims: [String: Any] = ["iss": issuer, "sub": subject, "aud": service, "iat": now, "nbf": now - 10,
                                     "exp": now + 300, "jti": UUID().uuidString, "access": access]
        let signingInput = try Self.base64URL(JSONSerialization.data(withJSONObject: header)) + "."
            + Self.base64URL(JSONSerialization.data(withJSONObject: claims))
        let signature = try key.signature(for: Data(signingInput.utf8)).rawRepresentation
        return signingInput + "." + Self.base64URL(signature)
    }

    private static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
