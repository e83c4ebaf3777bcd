import KubernetesClient
import TestSupport

/// Runs `body` with a client of the cluster the kubeconfig file `kubeconfig` names, and shuts the client down
/// afterwards, also when `body` throws.
public func withKubernetesClient<T>(kubeconfig: String, _ body: (KubernetesClient) async throws -> T) async throws -> T {
    let client = try KubernetesClient(access: KubeConfig.load(file: kubeconfig).access())
    return try await withCleanup({ await client.shutdown() }) { try await body(client) }
}
