import FakeKubeAPIServer
import Foundation
import HTTPTransport
import KubernetesClient
import Testing
import TestSupport

/// The client against the fake API server: what it does when the server turns it away, rotates its token, or
/// forgets old resourceVersions.
@Suite(.serialized) struct KubernetesClientTests {
    /// Runs `body` with a fresh fake and a scratch directory; both are gone afterwards, also when `body` throws.
    func withFake(_ body: (FakeKubeAPIServer, String) async throws -> Void) async throws {
        let fake = try await FakeKubeAPIServer.start()
        let directory = NSTemporaryDirectory() + "k8svm-client-" + UUID().uuidString
        try await withCleanup({ await fake.stop(); try? FileManager.default.removeItem(atPath: directory) }) {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try await body(fake, directory)
        }
    }

    /// Runs `body` with a client configured by `kubeconfig` (written into `directory`) and shuts the client down
    /// afterwards, also when `body` throws.
    func withClient(_ kubeconfig: String, in directory: String, _ body: (KubernetesClient) async throws -> Void) async throws {
        try kubeconfig.write(toFile: directory + "/kubeconfig", atomically: true, encoding: .utf8)
        let access = try KubeConfig.load(file: directory + "/kubeconfig").access()
        let client = try KubernetesClient(access: access, retryPolicy: RetryPolicy(attempts: 4, initialDelay: .milliseconds(50)))
        try await withCleanup({ await client.shutdown() }) { try await body(client) }
    }

    @Test func tooManyRequestsIsRetriedAfterTheServersRetryAfter() async throws {
        try await withFake { fake, directory in
            try await withClient(fake.kubeconfig(namespace: "ns"), in: directory) { client in
                fake.failNext(2, status: 429, retryAfterSeconds: 1)
                let started = ContinuousClock.now
                let version = try await client.serverVersion()
                #expect(version.hasPrefix("v1.26"))
                #expect(ContinuousClock.now - started >= .seconds(2), "Retry-After: 1 was honoured twice")
                #expect(client.requestCount == 3)
                fake.failNext(9, status: 503, retryAfterSeconds: nil)
                do {
                    _ = try await client.serverVersion()
                    Issue.record("a server that keeps answering 503 is an error in the end")
                } catch let error as KubernetesError {
                    #expect(error.code == 503)
                }
            }
        }
    }

    @Test func anAPIServerThatIsNotThereIsRefusedAfterTheRetriesWithItsCauseKept() async throws {
        let fake = try await FakeKubeAPIServer.start()
        let kubeconfig = fake.kubeconfig(namespace: "ns")
        await fake.stop()
        let directory = NSTemporaryDirectory() + "k8svm-client-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withClient(kubeconfig, in: directory) { client in
            let started = ContinuousClock.now
            let error = try await #require(throws: KubernetesUnreachable.self) { try await client.serverVersion() }
            #expect(error.failure == .refused)
            #expect(error.description.hasSuffix(": connection refused"), "\(error)")
            #expect(client.requestCount == 4, "every attempt of the retry policy was made")
            #expect(ContinuousClock.now - started < .seconds(10), "refused at once, not at the request's deadline")
        }
    }

    @Test func aRotatedTokenFileIsReadAgain() async throws {
        try await withFake { fake, directory in
            let tokenFile = directory + "/token"
            try "stale-token".write(toFile: tokenFile, atomically: true, encoding: .utf8)
            try await withClient(fake.kubeconfig(namespace: "ns", auth: .tokenFile(path: tokenFile)), in: directory) { client in
                do {
                    _ = try await client.list(Pod.self, namespace: "ns")
                    Issue.record("the stale token must be refused")
                } catch let error as KubernetesError {
                    #expect(error.kind == .unauthorized)
                }
                try "test-token\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
                #expect(try await client.list(Pod.self, namespace: "ns").items.isEmpty, "the kubelet rotated the token: it is read again")
            }
        }
    }

    @Test func statusErrorsAreTyped() async throws {
        try await withFake { fake, directory in
            try await withClient(fake.kubeconfig(namespace: "ns"), in: directory) { client in
                do {
                    _ = try await client.get(Pod.self, name: "ghost", namespace: "ns")
                    Issue.record("a missing pod is an error")
                } catch let error as KubernetesError {
                    #expect(error.kind == .notFound)
                    #expect(error.description.contains("pods \"ghost\" not found"), "\(error)")
                }
                let secret = Secret(metadata: ObjectMeta(name: "Not_A_Name"), data: ["k": Data("v".utf8)])
                do {
                    _ = try await client.create(secret, namespace: "ns")
                    Issue.record("an invalid name is refused")
                } catch let error as KubernetesError {
                    #expect(error.kind == .invalid)
                    #expect(error.status?.details?.causes?.first?.field == "metadata.name")
                }
                _ = try await client.create(Secret(metadata: ObjectMeta(name: "s"), data: ["k": Data("v".utf8)]), namespace: "ns")
                do {
                    _ = try await client.create(Secret(metadata: ObjectMeta(name: "s"), data: ["k": Data("v".utf8)]), namespace: "ns")
                    Issue.record("a second create of the same name is refused")
                } catch let error as KubernetesError {
                    #expect(error.kind == .alreadyExists)
                }
            }
        }
    }

    @Test func aTooOldResourceVersionEndsTheWatchWithExpired() async throws {
        try await withFake { fake, directory in
            try await withClient(fake.kubeconfig(namespace: "ns"), in: directory) { client in
                let created = try await client.create(Secret(metadata: ObjectMeta(name: "s"), data: ["k": Data("v".utf8)]), namespace: "ns")
                fake.compact()
                var events = try await client.watch(Secret.self, namespace: "ns", resourceVersion: created.metadata.resourceVersion)
                    .makeAsyncIterator()
                guard case .error(let status)? = try await events.next() else {
                    Issue.record("expected one ERROR event")
                    return
                }
                #expect(status.code == 410)
                #expect(status.reason == "Expired")
                #expect(try await events.next() == nil, "the server closes the stream after it")
            }
        }
    }
}
