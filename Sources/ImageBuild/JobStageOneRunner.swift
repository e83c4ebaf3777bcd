import Foundation
import OCIRegistry
import K8sVMCore
import KubernetesClient

/// Stage 1 as a Kubernetes Job (`BuildJobSpec`). The build container fetches the source from, and uploads the layer
/// to, this process at `Settings.exchangeAdvertisedHost` (the peer Pod's IP); its log is copied to `log` while it
/// runs; the summary is its termination message. The Job is deleted when the build ends (a failed one is kept when
/// `keepFailedJobs` is set), its Pod with it.
public struct JobStageOneRunner: StageOneRunner {
    /// Where and how build Jobs run.
    public struct Settings: Sendable, Equatable {
        public var namespace: String
        /// The address the source exchange listens on.
        public var exchangeBindHost = "0.0.0.0"
        /// The address build Pods reach this process by (the peer Pod's IP).
        public var exchangeAdvertisedHost: String
        /// How long a finished Job may stay if K8sVM cannot delete it.
        public var ttlSecondsAfterFinished = 600
        /// Keep a failed build's Job (and Pod) for inspection.
        public var keepFailedJobs = false
        public var resources = ResourceQuantities(cpuRequest: "500m", memoryRequest: "512Mi", memoryLimit: "2Gi")
        public var runAsUser = 1000
        public var imagePullPolicy = "IfNotPresent"
        /// The first part of Job names.
        public var namePrefix = "k8svm-build"
        /// Labels added to every Job and its Pod.
        public var labels: [String: String] = [:]
        /// How long after the build timeout the runner gives up on a Job that Kubernetes has not stopped.
        public var stopGrace: Duration = .seconds(30)
        /// A PersistentVolumeClaim mounted at `/cache` for the language caches (empty: none).
        public var cacheVolumeClaim = ""
        /// The operator's additions to every build Pod (`build.podTemplate`; its container is `build`).
        public var podTemplate: PodTemplate?
        /// The object that owns every build Job (the peer Pod): deleting it deletes them.
        public var owner: OwnerReference?

        public init(namespace: String, exchangeAdvertisedHost: String) {
            self.namespace = namespace
            self.exchangeAdvertisedHost = exchangeAdvertisedHost
        }
    }

    /// How the build Pod ended.
    private enum Outcome {
        case exited(ContainerState.Terminated)
        case notRun(String)
    }

    public let client: KubernetesClient
    public let settings: Settings
    private let log: @Sendable (String) -> Void

    public init(client: KubernetesClient, settings: Settings, log: @escaping @Sendable (String) -> Void = K8sVMLog.line) {
        self.client = client
        self.settings = settings
        self.log = log
    }

    public func run(_ job: StageOneJob) async throws -> LayerBlob {
        try await StageOneSession.run(job, bindHost: settings.exchangeBindHost,
                                      advertisedHost: settings.exchangeAdvertisedHost) { try await build($0) }
    }

    private func build(_ session: StageOneSession) async throws -> LayerBlob {
        let spec = BuildJobSpec(label: session.job.label, settings: settings)
        let jobPath = "\(settings.namespace)/\(spec.name)"
        let created: Job
        do {
            let body = try spec.body(image: session.job.builderImage,
                                     environment: session.environment(cached: !settings.cacheVolumeClaim.isEmpty),
                                     timeout: session.job.timeout)
            created = try await client.create(body, as: Job.self, namespace: settings.namespace)
        } catch let error as KubernetesError {
            throw K8sVMError("cannot create the build job \(jobPath): \(error)", cause: error)
        }
        log("k8svm build: building \(session.job.label) in job \(jobPath) (image \(session.job.builderImage))")
        do {
            let summary = try await awaitSummary(of: created, spec: spec, session)
            await deleteJob(spec.name)
            return try session.output(summary: summary)
        } catch {
            if settings.keepFailedJobs, !(error is CancellationError) {
                log("k8svm build: keeping the failed job \(jobPath) (keepFailedJobs)")
            } else {
                await deleteJob(spec.name)
            }
            throw error
        }
    }

    /// Follows the build Pod to its end; returns the summary of a successful build, throws for anything else.
    private func awaitSummary(of job: Job, spec: BuildJobSpec, _ session: StageOneSession) async throws -> String? {
        let transcript = BuildTranscript()
        let started = ContinuousClock.now
        let (client, namespace, log) = (client, settings.namespace, log)
        let watched = try await withTimeout(session.job.timeout + settings.stopGrace) {
            try await Self.outcome(client: client, namespace: namespace, job: job, spec: spec, transcript: transcript, log: log)
        }
        let timedOut = ContinuousClock.now - started >= session.job.timeout
        if case .exited(let terminated)? = watched, terminated.exitCode == 0 {
            return terminated.message
        }
        if !timedOut, await jobIsGone(spec.name) {
            throw K8sVMError("the build of \(session.job.label) was stopped: its job \(namespace)/\(spec.name) was deleted before the build ended (by hand, or with its owner, the peer Pod)")
        }
        switch watched {
        case .exited(let terminated)?:
            if timedOut { throw session.timedOut }
            if transcript.tail.isEmpty, let message = terminated.message { transcript.append(message) }
            throw session.failed(exitCode: Int(terminated.exitCode), transcript: transcript)
        case .notRun(let reason)?:
            if timedOut { throw session.timedOut }
            throw K8sVMError("the build of \(session.job.label) did not run (job \(namespace)/\(spec.name)): \(reason)")
        case nil:
            throw session.timedOut
        }
    }

    private static func outcome(client: KubernetesClient, namespace: String, job: Job, spec: BuildJobSpec,
                                transcript: BuildTranscript, log: @escaping @Sendable (String) -> Void) async throws -> Outcome {
        var watch = PodWatch(client: client, namespace: namespace, target: .labelSelector("\(BuildJobSpec.label)=\(spec.name)"),
                             resourceVersion: job.metadata.resourceVersion ?? "", log: log)
        var follower: PodLogFollower?
        var following: Task<Void, Never>?
        var lastPending: String?
        defer { following?.cancel() }
        func follow(_ pod: Pod) {
            guard follower == nil, let name = pod.metadata.name else { return }
            let copy = PodLogFollower(client: client, namespace: namespace, pod: name, container: BuildJobSpec.containerName) { line in
                transcript.append(line)
                log(line)
            }
            follower = copy
            following = Task { await copy.run() }
        }
        func ended(_ pod: Pod, _ terminated: ContainerState.Terminated) async -> Outcome {
            follow(pod)
            await follower?.markContainerEnded()
            if let following {
                // The API server ends a followed log about a second after the container; what came by then is it.
                let deadline = Task {
                    try? await Task.sleep(for: .seconds(3))
                    following.cancel()
                }
                await following.value
                deadline.cancel()
            }
            return .exited(terminated)
        }
        while true {
            switch try await watch.next() {
            case .updated(let pod):
                switch PodProgress(pod, container: BuildJobSpec.containerName) {
                case .pending(let reason):
                    if let reason, reason != lastPending {
                        log("k8svm build: pod \(pod.metadata.name ?? spec.name): \(reason)")
                        lastPending = reason
                    }
                case .running:
                    follow(pod)
                case .terminated(let terminated):
                    return await ended(pod, terminated)
                case .cannotStart(let reason, let message), .failed(let reason, let message):
                    return .notRun(message.isEmpty ? reason : "\(reason): \(message)")
                }
            case .deleted(let last):
                if let last, case .terminated(let terminated) = PodProgress(last, container: BuildJobSpec.containerName) {
                    return await ended(last, terminated)
                }
                return .notRun("its pod was deleted before the build ended")
            }
        }
    }

    /// Whether the Job no longer exists (someone, or the garbage collector, deleted it).
    private func jobIsGone(_ name: String) async -> Bool {
        do {
            _ = try await client.get(Job.self, name: name, namespace: settings.namespace)
            return false
        } catch let error as KubernetesError where error.kind == .notFound {
            return true
        } catch {
            return false
        }
    }

    /// Deletes the Job and, in the background, its Pod; even when the build task was cancelled.
    private func deleteJob(_ name: String) async {
        let (client, namespace, log) = (client, settings.namespace, log)
        await Task {
            do {
                try await client.delete(Job.self, name: name, namespace: namespace, propagationPolicy: .background)
            } catch let error as KubernetesError where error.kind == .notFound {
                return
            } catch {
                log("k8svm build: could not delete the build job \(namespace)/\(name): \(error)")
            }
        }.value
    }
}
