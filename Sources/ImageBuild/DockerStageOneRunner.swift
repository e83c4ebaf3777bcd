import Foundation
import OCIRegistry
import K8sVMCore

/// Stage 1 in the local Docker engine (DESIGN decision 5: the same container contract as the Kubernetes Job, so the
/// real build path runs in CI). The container runs on the host network (it fetches the source from, and uploads the
/// layer to, this process at `exchangeHost`), unprivileged, without capabilities, with a read-only root filesystem
/// and a tmpfs `/tmp`. Its log goes to `log` while it runs; the summary is the stdout line after
/// `k8svm-stage1-summary: ` (a stopped container's `/dev/termination-log` is gone with its tmpfs `/dev`, while the log
/// stays readable to the end). The container is removed on every way out: success, failure, timeout, cancellation.
public struct DockerStageOneRunner: StageOneRunner {
    /// The label on every build container (value: the chaincode label).
    public static let containerLabel = "k8svm.io/stage1"

    public let engine: DockerEngine
    /// The address the container reaches this process by (it shares the host's network).
    public let exchangeHost: String
    /// Labels added to every build container.
    public let labels: [String: String]
    /// The user the build runs as.
    public let user: String
    /// A named volume mounted at `/cache` for the language caches, or nil for cold builds.
    public let cacheVolume: String?
    private let log: @Sendable (String) -> Void

    public init(socketPath: String = "/var/run/docker.sock", exchangeHost: String = "127.0.0.1", labels: [String: String] = [:],
                user: String = "1000:1000", cacheVolume: String? = nil,
                log: @escaping @Sendable (String) -> Void = K8sVMLog.line) {
        engine = DockerEngine(socketPath: socketPath)
        self.exchangeHost = exchangeHost
        self.labels = labels
        self.user = user
        self.cacheVolume = cacheVolume
        self.log = log
    }

    public func run(_ job: StageOneJob) async throws -> LayerBlob {
        try await StageOneSession.run(job, bindHost: exchangeHost, advertisedHost: exchangeHost) { try await build($0) }
    }

    private func build(_ session: StageOneSession) async throws -> LayerBlob {
        let job = session.job
        do {
            // A missing engine fails at once rather than after the HTTP client's connection retries.
            guard FileManager.default.fileExists(atPath: engine.socketPath) else { throw DockerUnreachable() }
            try await engine.ping()
        } catch {
            throw K8sVMError("cannot reach the Docker engine at \(engine.socketPath)\(error is DockerUnreachable ? "" : ": \(error)")", cause: error)
        }
        let present = try await engine.imageExists(job.builderImage)
        guard present else {
            throw K8sVMError("the builder image \(job.builderImage) is not in the Docker engine at \(engine.socketPath) (pull it, or build it with builder-images/build.sh)")
        }
        var spec = DockerEngine.ContainerSpec(image: job.builderImage, environment: session.environment(cached: cacheVolume != nil),
                                              user: user,
                                              labels: labels.merging([Self.containerLabel: KubernetesNames.labelValue(job.label)]) { $1 })
        // A new named volume starts as a copy of the image's /cache (owned by the build user in every ccenv image).
        if let cacheVolume { spec.host.binds = ["\(cacheVolume):\(StageOneSession.cacheDirectory)"] }
        let id = try await engine.createContainer(spec)
        log("k8svm build: building \(job.label) in \(job.builderImage) (docker container \(id.prefix(12)))")
        do {
            let summary = try await runToEnd(id, session)
            await remove(id)
            return try session.output(summary: summary)
        } catch {
            await remove(id)
            throw error
        }
    }

    /// Starts the container, copies its log, and returns the summary line once it has exited 0.
    private func runToEnd(_ id: String, _ session: StageOneSession) async throws -> String? {
        let (engine, log) = (engine, log)
        let transcript = BuildTranscript()
        try await engine.start(id)
        let following = Task {
            try? await engine.followLogs(id) { stream, line in
                if stream == .stdout, line.hasPrefix(StageOneSummary.logPrefix) {
                    transcript.setSummary(String(line.dropFirst(StageOneSummary.logPrefix.count)))
                } else {
                    transcript.append(line)
                    log(line)
                }
            }
        }
        guard let exitCode = try await withTimeout(session.job.timeout, { try await engine.wait(id) }) else {
            try? await engine.kill(id)
            await following.value
            throw session.timedOut
        }
        await following.value
        guard exitCode == 0 else { throw session.failed(exitCode: exitCode, transcript: transcript) }
        return transcript.summary
    }

    /// Removes the container even when the build task was cancelled.
    private func remove(_ id: String) async {
        let engine = engine
        await Task {
            do {
                try await engine.remove(id)
            } catch {
                log("k8svm build: could not remove docker container \(id.prefix(12)): \(error)")
            }
        }.value
    }
}

/// No socket where the Docker engine should listen.
private struct DockerUnreachable: Error {}
