import AsyncHTTPClient
import Foundation
import HTTPTransport
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Synchronization

/// Answers a registry's authentication challenges and remembers the answers: once a registry asked for HTTP Basic,
/// every request carries it; bearer tokens are cached per set of scopes until they expire.
final class RegistryAuthenticator: Sendable {
    private let registry: String
    private let scheme: RegistryScheme
    private let credentials: RegistryCredentials?
    private let state = Mutex(State())

    private struct State {
        var basic = false
        var tokens: [String: (token: String, expires: ContinuousClock.Instant)] = [:]
    }

    init(registry: String, scheme: RegistryScheme, credentials: RegistryCredentials?) {
        self.registry = registry
        self.scheme = scheme
        self.credentials = credentials
    }

    /// The `Authorization` value to send before any challenge, if an earlier one told what the registry wants.
    func cachedAuthorization(scopes: [String]) -> String? {
        state.withLock { state in
            if state.basic { return basicAuthorization }
            guard let cached = state.tokens[scopes.joined(separator: " ")], cached.expires > .now else { return nil }
            return "Bearer " + cached.token
        }
    }

    /// The `Authorization` value that meets `challenge` for `request`, or nil when there is nothing to present (Basic
    /// without credentials). A bearer token is fetched from the challenge's realm and cached for the request's scopes.
    func authorization(for challenge: AuthChallenge, request: RegistryClient.Request, http: HTTPClient) async throws -> String? {
        switch challenge.scheme {
        case .basic:
            guard let basicAuthorization else { return nil }
            state.withLock { $0.basic = true }
            return basicAuthorization
        case .bearer:
            let (token, lifetime) = try await fetchToken(challenge, request: request, http: http)
            state.withLock { $0.tokens[request.scopes.joined(separator: " ")] = (token, .now + .seconds(max(lifetime - 10, 1))) }
            return "Bearer " + token
        }
    }

    private var basicAuthorization: String? {
        guard case .password(let username, let password)? = credentials else { return nil }
        return "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }

    /// Asks the token service for the challenge's scopes (else the request's): GET realm?service=&scope= (HTTP Basic
    /// with a password), or for an identity token the OAuth2 refresh-token grant as a form POST. Returns the token
    /// and its lifetime in seconds.
    private func fetchToken(_ challenge: AuthChallenge, request: RegistryClient.Request, http: HTTPClient) async throws -> (String, Int) {
        func failure(_ kind: RegistryError.Kind) -> RegistryError {
            RegistryError(registry: registry, operation: request.operation, kind: kind)
        }
        guard let realm = challenge.realm, let realmURL = URLComponents(string: realm), let realmHost = realmURL.host,
              realmURL.scheme == "https" || realmURL.scheme == "http" else {
            throw failure(.invalidResponse("bearer challenge without a usable realm: \(challenge.realm ?? "none")"))
        }
        if realmURL.scheme == "http", credentials != nil, !RegistryScheme.isLoopback(host: realmHost), scheme != .http {
            throw failure(.invalidResponse("its token service \(realm) is plain HTTP; K8sVM does not send credentials there"))
        }
        var parameters: [(String, String)] = challenge.service.map { [("service", $0)] } ?? []
        parameters += (challenge.scopes.isEmpty ? request.scopes : challenge.scopes).map { ("scope", $0) }
        var tokenRequest: HTTPClientRequest
        switch credentials {
        case .identityToken(_, let refreshToken):
            tokenRequest = HTTPClientRequest(url: realm)
            tokenRequest.method = .POST
            tokenRequest.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            let form = [("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", "k8svm")] + parameters
            tokenRequest.body = .bytes(ByteBuffer(string: Self.formEncoded(form)))
        case .password, nil:
            let separator = realm.contains("?") ? "&" : "?"
            tokenRequest = HTTPClientRequest(url: parameters.isEmpty ? realm : realm + separator + Self.formEncoded(parameters))
            if let basicAuthorization { tokenRequest.headers.add(name: "Authorization", value: basicAuthorization) }
        }
        tokenRequest.headers.add(name: "User-Agent", value: "k8svm")
        let response: HTTPClientResponse
        let body: Data
        do {
            response = try await http.execute(tokenRequest, timeout: .seconds(30))
            body = Data(buffer: try await response.body.collect(upTo: 1 << 20))
        } catch {
            throw failure(.tokenServiceUnreachable(realm: realm, TransportFailure(error)))
        }
        if response.status.code == 401 || response.status.code == 403 {
            throw failure(.unauthorized(repository: request.repository, username: credentials?.username,
                                        detail: "the token service \(realm) said \(DistributionErrorBody.summary(of: body))"))
        }
        struct TokenAnswer: Decodable {
            var token: String?
            var access_token: String?
            var expires_in: Int?
        }
        guard response.status.code == 200, let answer = try? JSONDecoder().decode(TokenAnswer.self, from: body),
              let token = answer.token ?? answer.access_token, !token.isEmpty else {
            throw failure(.invalidResponse("its token service \(realm) answered HTTP \(response.status.code) without a token: \(DistributionErrorBody.summary(of: body))"))
        }
        return (token, answer.expires_in ?? 60)
    }

    /// `application/x-www-form-urlencoded` (also used for query strings).
    static func formEncoded(_ pairs: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return pairs.map { name, value in
            name + "=" + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)
        }.joined(separator: "&")
    }
}
