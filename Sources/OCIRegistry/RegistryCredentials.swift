import Foundation

/// What K8sVM presents to one registry: a user name and password (sent as HTTP Basic, to the registry or to its token
/// service) or an identity token (an OAuth2 refresh token exchanged at the token service).
public enum RegistryCredentials: Sendable, Equatable {
    case password(username: String, password: String)
    case identityToken(username: String, token: String)

    /// The user name, for messages.
    public var username: String {
        switch self {
        case .password(let username, _), .identityToken(let username, _): username
        }
    }

    /// The credentials a docker `config.json` holds for `registry` (`host` or `host:port`), or nil when it has none.
    ///
    /// - Parameter path: the file; by default `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. A missing
    ///   default file means no credentials; a missing explicit file is an error.
    /// - Throws: when the file is unreadable or malformed, or when it delegates to a credential helper
    ///   (`credsStore`, `credHelpers`), which K8sVM does not run.
    public static func fromDockerConfig(for registry: String, path: String? = nil,
                                        environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RegistryCredentials? {
        let file = path ?? defaultDockerConfigPath(environment: environment)
        guard let data = FileManager.default.contents(atPath: file) else {
            if path != nil { throw RegistryInputError("docker config \(file) cannot be read") }
            return nil
        }
        let config: DockerConfigFile
        do {
            config = try JSONDecoder().decode(DockerConfigFile.self, from: data)
        } catch {
            throw RegistryInputError("docker config \(file) is not valid: \(error)")
        }
        if let helper = config.credHelpers?[registry] {
            throw RegistryInputError("docker config \(file) delegates \(registry) to the credential helper \"docker-credential-\(helper)\"; K8sVM does not run credential helpers, put the credentials under auths instead")
        }
        let entry = config.auths?[registry] ?? config.auths?["https://" + registry] ?? config.auths?["http://" + registry]
        guard let entry else {
            if let store = config.credsStore {
                throw RegistryInputError("docker config \(file) keeps credentials in the credential store \"docker-credential-\(store)\" (credsStore); K8sVM does not run credential helpers, put the credentials for \(registry) under auths instead")
            }
            return nil
        }
        return try entry.credentials(registry: registry, file: file)
    }

    /// `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`.
    public static func defaultDockerConfigPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let directory = environment["DOCKER_CONFIG"], !directory.isEmpty { return directory + "/config.json" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.docker/config.json"
    }
}

/// The parts of docker's `config.json` that concern registry credentials.
private struct DockerConfigFile: Decodable {
    var auths: [String: Entry]?
    var credsStore: String?
    var credHelpers: [String: String]?

    /// One `auths` entry: `auth` (base64 `user:password`), or `username` + `password`, and/or `identitytoken`.
    struct Entry: Decodable {
        var auth: String?
        var username: String?
        var password: String?
        var identitytoken: String?

        func credentials(registry: String, file: String) throws -> RegistryCredentials? {
            var username = username
            var password = password
            if let auth, !auth.isEmpty {
                guard let decoded = Data(base64Encoded: auth).flatMap({ String(data: $0, encoding: .utf8) }),
                      let colon = decoded.firstIndex(of: ":") else {
                    throw RegistryInputError("docker config \(file): auths.\(registry).auth is not base64 of user:password")
                }
                username = String(decoded[..<colon])
                password = String(decoded[decoded.index(after: colon)...])
            }
            if let identitytoken, !identitytoken.isEmpty {
                return .identityToken(username: username ?? "", token: identitytoken)
            }
            guard let username, let password else { return nil }
            return .password(username: username, password: password)
        }
    }
}
