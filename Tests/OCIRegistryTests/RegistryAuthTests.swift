import Foundation
import OCIRegistry
import TestServices
import TestSupport
import Testing

/// Authentication against a real docker-registry: htpasswd (HTTP Basic) and token auth (bearer tokens from a realm),
/// credentials from docker config files, and the errors a user sees when access fails.
@Suite struct RegistryAuthTests {
    static let changes = ImageConfigChanges(entrypoint: ["/cc"], user: "10001")

    /// Pushes a base and assembles an image onto it, which needs pull, push and a cross-repository mount.
    func pushAndAssemble(_ registry: String, credentials: RegistryCredentials?, directory: String) async throws -> PushedImage {
        try await withClient(registry, credentials: credentials) { client in
            let base = try RegistryReference(parsing: "\(registry)/runtime/base:1")
            try await Fixtures.pushBase(client, as: base, family: .oci, directory: directory)
            let layer = try Fixtures.layer(in: directory, name: "cc", contents: "cc")
            return try await ImageAssembly(client: client).assemble(
                base: base, target: try RegistryReference(parsing: "\(registry)/chaincode/cc:1"), layer: layer,
                changes: Self.changes, createdBy: "k8svm build: cc")
        }
    }

    @Test func htpasswdCredentialsFromADockerConfigArePresented() async throws {
        let registry = try TestRegistry(auth: .htpasswd(username: "alice", password: "s3cret"))
        defer { registry.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let auth = Data("alice:s3cret".utf8).base64EncodedString()
        try #"{"auths":{"other.example:5000":{"auth":"Ym9iOng="},"\#(registry.address)":{"auth":"\#(auth)"}}}"#
            .write(toFile: directory.path + "/config.json", atomically: true, encoding: .utf8)
        let credentials = try RegistryCredentials.fromDockerConfig(for: registry.address, environment: ["DOCKER_CONFIG": directory.path])
        #expect(credentials == .password(username: "alice", password: "s3cret"))

        let pushed = try await pushAndAssemble(registry.address, credentials: credentials, directory: directory.path)
        let digest = try shell("curl -sSf -I -u alice:s3cret -H 'Accept: \(ManifestFamily.oci.manifest)' 'http://\(registry.address)/v2/chaincode/cc/manifests/1' | tr -d '\\r' | sed -n 's/^Docker-Content-Digest: //p'")
        #expect(digest == pushed.digest.value)
        #expect(try shell("curl -s -o /dev/null -w '%{http_code}' 'http://\(registry.address)/v2/chaincode/cc/manifests/1'") == "401")
    }

    @Test func anonymousAccessToAnHtpasswdRegistryFailsNamingTheRegistry() async throws {
        let registry = try TestRegistry(auth: .htpasswd(username: "alice", password: "s3cret"))
        defer { registry.stop() }
        let error = await #expect(throws: RegistryError.self) {
            try await withClient(registry.address) { client in
                try await client.manifest(try RegistryReference(parsing: "\(registry.address)/runtime/base:1"))
            }
        }
        #expect(try #require(error).description
            == "registry \(registry.address) refused anonymous access to repository runtime/base (no credentials configured for \(registry.address)): UNAUTHORIZED: authentication required (while reading manifest runtime/base:1)")
    }

    @Test func aWrongPasswordFailsNamingTheRegistryAndTheUser() async throws {
        let registry = try TestRegistry(auth: .htpasswd(username: "alice", password: "s3cret"))
        defer { registry.stop() }
        let error = await #expect(throws: RegistryError.self) {
            try await withClient(registry.address, credentials: .password(username: "alice", password: "wrong")) { client in
                try await client.blobExists(Digest.of(Data()), in: "runtime/base")
            }
        }
        let message = try #require(error).description
        #expect(message.hasPrefix("registry \(registry.address) refused credentials for repository runtime/base (user alice)"))
    }

    /// Runs `body` with a token service and a registry trusting it; both are stopped afterwards, also on failure.
    func withTokenAuth(_ body: (TestTokenService, TestRegistry) async throws -> Void) async throws {
        let tokens = try await TestTokenService(username: "alice", password: "s3cret", refreshToken: "refresh-me")
        try await withCleanup({ await tokens.stop() }) {
            let registry = try TestRegistry(auth: tokens.registryAuth)
            defer { registry.stop() }
            try await body(tokens, registry)
        }
    }

    @Test func bearerTokensFromTheRealmAuthorisePullPushAndMount() async throws {
        try await withTokenAuth { tokens, registry in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let pushed = try await pushAndAssemble(registry.address, credentials: .password(username: "alice", password: "s3cret"),
                                                   directory: directory.path)
            let requests = tokens.requests
            // The mount needs push on the target and pull on the source (the registry lists scopes and actions in any order).
            func scopes(_ request: String) -> Set<String> {
                Set(request.split(separator: " ").dropFirst().map { scope in
                    let parts = scope.split(separator: ":")
                    return parts.dropLast().joined(separator: ":") + ":" + parts.last!.split(separator: ",").sorted().joined(separator: ",")
                })
            }
            #expect(requests.contains { scopes($0) == ["repository:chaincode/cc:pull,push", "repository:runtime/base:pull"] }, "\(requests)")
            // Tokens are cached per scope: a handful of token requests (the concurrent mounts may each fetch one) for
            // some twenty registry requests.
            #expect(requests.count <= 7, "\(requests)")
            #expect(try shell("curl -s -o /dev/null -w '%{http_code}' 'http://\(registry.address)/v2/chaincode/cc/manifests/\(pushed.digest)'") == "401")
        }
    }

    @Test func anIdentityTokenIsExchangedAtTheRealm() async throws {
        try await withTokenAuth { tokens, registry in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            try #"{"auths":{"\#(registry.address)":{"auth":"","identitytoken":"refresh-me"}}}"#
                .write(toFile: directory.path + "/config.json", atomically: true, encoding: .utf8)
            let credentials = try RegistryCredentials.fromDockerConfig(for: registry.address, path: directory.path + "/config.json")
            #expect(credentials == .identityToken(username: "", token: "refresh-me"))
            _ = try await pushAndAssemble(registry.address, credentials: credentials, directory: directory.path)
            let requests = tokens.requests
            #expect(requests.allSatisfy { $0.hasPrefix("POST ") } && !requests.isEmpty, "\(requests)")
        }
    }

    @Test func aTokenServiceRefusingTheCredentialsFailsNamingTheRegistry() async throws {
        try await withTokenAuth { tokens, registry in
            let error = await #expect(throws: RegistryError.self) {
                try await withClient(registry.address, credentials: .password(username: "alice", password: "wrong")) { client in
                    try await client.manifestDigest(try RegistryReference(parsing: "\(registry.address)/runtime/base:1"))
                }
            }
            let message = try #require(error).description
            #expect(message.hasPrefix("registry \(registry.address) refused credentials for repository runtime/base (user alice): the token service \(tokens.realm) said"))
        }
    }

    @Test func anUnreachableRegistryIsNamed() async throws {
        let port = try TestRegistry.freeLoopbackPort()
        let error = await #expect(throws: RegistryError.self) {
            try await withClient("127.0.0.1:\(port)") { client in
                try await client.manifestDigest(try RegistryReference(parsing: "127.0.0.1:\(port)/runtime/base:1"))
            }
        }
        #expect(try #require(error).description == "registry 127.0.0.1:\(port) is unreachable: connection refused (while reading manifest runtime/base:1)")
    }

    @Test func credentialHelpersAreRefusedClearly() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path + "/config.json"
        try #"{"auths":{},"credsStore":"desktop"}"#.write(toFile: file, atomically: true, encoding: .utf8)
        let store = #expect(throws: RegistryInputError.self) {
            try RegistryCredentials.fromDockerConfig(for: "127.0.0.1:5000", path: file)
        }
        #expect(try #require(store).description.contains("credential store \"docker-credential-desktop\" (credsStore)"))
        try #"{"credHelpers":{"127.0.0.1:5000":"ecr-login"}}"#.write(toFile: file, atomically: true, encoding: .utf8)
        let helper = #expect(throws: RegistryInputError.self) {
            try RegistryCredentials.fromDockerConfig(for: "127.0.0.1:5000", path: file)
        }
        #expect(try #require(helper).description.contains("credential helper \"docker-credential-ecr-login\""))
        // No config at the default place: anonymous, no error.
        #expect(try RegistryCredentials.fromDockerConfig(for: "127.0.0.1:5000", environment: ["DOCKER_CONFIG": directory.path + "/none"]) == nil)
        // Username and password fields work as well as `auth`.
        try #"{"auths":{"http://127.0.0.1:5000":{"username":"bob","password":"pw"}}}"#.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try RegistryCredentials.fromDockerConfig(for: "127.0.0.1:5000", path: file) == .password(username: "bob", password: "pw"))
    }
}
