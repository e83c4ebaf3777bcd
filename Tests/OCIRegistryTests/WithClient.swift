import NIOCore
import OCIRegistry
import TestSupport

/// Runs `body` with a client of `registry` and shuts the client down afterwards, also when `body` throws.
func withClient<T>(_ registry: String, scheme: RegistryScheme? = nil, credentials: RegistryCredentials? = nil,
                   chunkSize: Int = 16 << 20, _ body: (RegistryClient) async throws -> T) async throws -> T {
    // Connection failures are given up on after a second: every registry of the tests is local.
    let client = try RegistryClient(registry: registry, scheme: scheme, credentials: credentials, chunkSize: chunkSize,
                                    connectTimeout: .seconds(1))
    return try await withCleanup({ await client.shutdown() }) { try await body(client) }
}
