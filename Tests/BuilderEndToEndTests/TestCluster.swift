import FakeKubeAPIServer
import Foundation
import K8sVMCore
import KubernetesClient
import Testing
import TestServices
import TestSupport

/// The cluster a Kubernetes test runs against: a real one when `K8SVM_TEST_KUBECONFIG` is set (namespace
/// `K8SVM_TEST_NAMESPACE`, default `default`; image `K8SVM_TEST_IMAGE`, built from `Fixtures/script-image`),
/// otherwise the in-process fake API server. Tests see both through a kubeconfig file and the same assertions.
///
/// The test image runs the shell script its container's `K8SVM_TEST_SCRIPT` holds; tests set it through the
/// builder's pod template.
final class TestCluster: Sendable {
    let kubeconfig: String
    let namespace: String
    /// The script-running test image, pinned by digest.
    let image: ImageReference
    /// The fake, when no real cluster was given: for fault injection, which only a fake allows.
    let fake: FakeKubeAPIServer?
    /// A client for the test's own checks.
    let client: KubernetesClient

    static var isReal: Bool { !(ProcessInfo.processInfo.environment["K8SVM_TEST_KUBECONFIG"] ?? "").isEmpty }

    private init(kubeconfig: String, namespace: String, image: ImageReference, fake: FakeKubeAPIServer?, client: KubernetesClient) {
        self.kubeconfig = kubeconfig
        self.namespace = namespace
        self.image = image
        self.fake = fake
        self.client = client
    }

    /// Runs `body` with the test cluster; the client is shut down and the fake stopped afterwards, also when `body`
    /// throws.
    static func with<T>(_ workspace: Workspace, _ body: (TestCluster) async throws -> T) async throws -> T {
        let environment = ProcessInfo.processInfo.environment
        if let real = environment["K8SVM_TEST_KUBECONFIG"], !real.isEmpty {
            guard let pinned = environment["K8SVM_TEST_IMAGE"], let at = pinned.firstIndex(of: "@") else {
                throw TestFailure("K8SVM_TEST_IMAGE must name the script image by digest (NAME@sha256:...); see Fixtures/script-image/Dockerfile")
            }
            let image = ImageReference(name: String(pinned[..<at]), digest: String(pinned[pinned.index(after: at)...]))
            return try await withKubernetesClient(kubeconfig: real) { client in
                try await body(TestCluster(kubeconfig: real, namespace: environment["K8SVM_TEST_NAMESPACE"] ?? "default",
                                           image: image, fake: nil, client: client))
            }
        }
        var options = FakeKubeAPIServer.Options()
        options.timeScale = 0.1
        let fake = try await FakeKubeAPIServer.start(options)
        return try await withCleanup({ await fake.stop() }) {
            let image = ImageReference(name: "127.0.0.1:5000/k8svm-test/script", digest: "sha256:" + String(repeating: "5c", count: 32))
            fake.registerImage(image.name, entrypoint: ["/bin/sh", "-c", "eval \"$K8SVM_TEST_SCRIPT\""])
            let namespace = "k8svm-test"
            try workspace.write(fake.kubeconfig(namespace: namespace), to: "kubeconfig")
            return try await withKubernetesClient(kubeconfig: workspace.path("kubeconfig")) { client in
                try await body(TestCluster(kubeconfig: workspace.path("kubeconfig"), namespace: namespace, image: image,
                                           fake: fake, client: client))
            }
        }
    }

    /// Names of the Pods and Secrets of one peer's chaincode (every test uses its own peer name).
    func leftovers(peer: String) async throws -> [String] {
        let selector = "k8svm.io/peer=\(peer)"
        let pods = try await client.list(Pod.self, namespace: namespace, labelSelector: selector).items
        let secrets = try await client.list(Secret.self, namespace: namespace, labelSelector: selector).items
        return (pods.map { "pod/\($0.metadata.name ?? "")" } + secrets.map { "secret/\($0.metadata.name ?? "")" }).sorted()
    }

    /// Waits (bounded) until the peer's Pods and Secrets are gone; returns what is left.
    func awaitNoLeftovers(peer: String, within timeout: Duration = .seconds(20)) async throws -> [String] {
        let deadline = ContinuousClock.now + timeout
        var left = try await leftovers(peer: peer)
        while !left.isEmpty, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            left = try await leftovers(peer: peer)
        }
        return left
    }
}
