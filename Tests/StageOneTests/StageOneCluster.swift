import FakeKubeAPIServer
import Foundation
import KubernetesClient
import TestServices
import TestSupport

/// The cluster a Job-runner test uses: a real one when `K8SVM_TEST_KUBECONFIG` is set (namespace
/// `K8SVM_TEST_NAMESPACE`, default `default`; the ccenv-golang image `K8SVM_TEST_CCENV_IMAGE`, built with
/// `builder-images/build.sh`; the address build Pods reach this test process by, `K8SVM_TEST_EXCHANGE_HOST`), else
/// the in-process fake API server, whose kubelet runs the ccenv image's `k8svm-stage1` script from `builder-images/`
/// as a real process on this host (with the host's Go).
struct StageOneCluster {
    let client: KubernetesClient
    let namespace: String
    let ccenvImage: String
    /// Where the source exchange listens, and the address build Pods reach it by.
    let exchangeBindHost: String
    let exchangeHost: String
    let fake: FakeKubeAPIServer?

    /// Runs `body` with the cluster (the fake's kubeconfig is written into `scratch`); the client is shut down and the
    /// fake stopped afterwards, also when `body` throws.
    static func with<T>(scratch: Scratch, _ body: (StageOneCluster) async throws -> T) async throws -> T {
        let environment = ProcessInfo.processInfo.environment
        if let kubeconfig = environment["K8SVM_TEST_KUBECONFIG"], !kubeconfig.isEmpty {
            guard let image = environment["K8SVM_TEST_CCENV_IMAGE"], let host = environment["K8SVM_TEST_EXCHANGE_HOST"] else {
                throw TestServiceError("with K8SVM_TEST_KUBECONFIG, set K8SVM_TEST_CCENV_IMAGE (a ccenv-golang image the cluster can pull) and K8SVM_TEST_EXCHANGE_HOST (this host's address as the cluster's Pods reach it)")
            }
            return try await withKubernetesClient(kubeconfig: kubeconfig) { client in
                try await body(StageOneCluster(client: client, namespace: environment["K8SVM_TEST_NAMESPACE"] ?? "default",
                                               ccenvImage: image, exchangeBindHost: "0.0.0.0", exchangeHost: host, fake: nil))
            }
        }
        let fake = try await FakeKubeAPIServer.start()
        return try await withCleanup({ await fake.stop() }) {
            let repository = "127.0.0.1:5000/k8svm/ccenv-golang"
            let scripts = TestDockerEngine.repositoryRoot + "/builder-images/stage1"
            fake.registerImage(repository,
                               entrypoint: ["/usr/bin/env", "K8SVM_COMPILE=\(scripts)/compile-golang", "\(scripts)/k8svm-stage1"])
            let namespace = "k8svm-test"
            try fake.kubeconfig(namespace: namespace).write(toFile: scratch.path + "/kubeconfig", atomically: true, encoding: .utf8)
            return try await withKubernetesClient(kubeconfig: scratch.path + "/kubeconfig") { client in
                try await body(StageOneCluster(client: client, namespace: namespace, ccenvImage: repository + ":test",
                                               exchangeBindHost: "127.0.0.1", exchangeHost: "127.0.0.1", fake: fake))
            }
        }
    }

    /// The Jobs and Pods carrying `label` (`key=value`).
    func leftovers(label: String) async throws -> [String] {
        let jobs = try await client.list(Job.self, namespace: namespace, labelSelector: label).items
        let pods = try await client.list(Pod.self, namespace: namespace, labelSelector: label).items
        return jobs.map { "job/\($0.metadata.name ?? "")" } + pods.map { "pod/\($0.metadata.name ?? "")" }
    }

    /// Waits (bounded) until nothing carries `label`; returns what is left.
    func awaitNoLeftovers(label: String, within timeout: Duration = .seconds(30)) async throws -> [String] {
        let deadline = ContinuousClock.now + timeout
        var left = try await leftovers(label: label)
        while !left.isEmpty, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(250))
            left = try await leftovers(label: label)
        }
        return left
    }
}
