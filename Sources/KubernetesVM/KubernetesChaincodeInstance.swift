import Foundation
import K8sVMCore
import KubernetesClient
#if canImport(Glibc)
import Glibc
#endif

/// A chaincode running as a Kubernetes Pod, alive exactly as long as the Pod (DESIGN decision 3).
///
/// `start` creates the Pod (replacing a stale one of the same name) and its TLS Secret, and returns once the
/// container runs; a Pod that cannot start is explained (its waiting reason and warning Events) and removed.
/// `wait` streams the container's log and returns its exit code when it ends, then removes Pod and Secret.
/// `stop` deletes the Pod with the configured grace period. Every wait is one watch (four API requests a launch).
public actor KubernetesChaincodeInstance: ChaincodeInstance {
    /// What moves the instance on: the Pod's changes, and its timers.
    enum Signal: Sendable {
        case pod(PodWatch.Change)
        case watchFailed(String)
        case startTimedOut
        case stopGraceOver
    }

    let client: KubernetesClient
    let namespace: String
    let spec: ChaincodePodSpec
    private let log: @Sendable (String) -> Void
    private let output: @Sendable (String) -> Void
    private let signals: AsyncStream<Signal>
    private let signalSink: AsyncStream<Signal>.Continuation
    private var monitor: Task<Void, Never>?
    private var follower: PodLogFollower?
    private var following: Task<Void, Never>?
    private var lastPending: String?
    private var stopping = false
    /// Someone else started deleting the Pod.
    private var deletedElsewhere = false
    private var finished: ExitStatus?

    var podName: String { spec.identity.podName }

    init(client: KubernetesClient, namespace: String, spec: ChaincodePodSpec,
         log: @escaping @Sendable (String) -> Void, output: @escaping @Sendable (String) -> Void) {
        self.client = client
        self.namespace = namespace
        self.spec = spec
        self.log = log
        self.output = output
        (signals, signalSink) = AsyncStream.makeStream(of: Signal.self)
    }

    /// Creates the Pod and Secret and returns once the chaincode container runs and its log is followed.
    /// - Parameters:
    ///   - pod: the Pod to create (the spec's Pod with the operator's template laid over it).
    ///   - log: k8svm's own lines; `output`: the chaincode's log lines.
    public static func start(client: KubernetesClient, namespace: String, spec: ChaincodePodSpec, pod: JSONValue,
                             startTimeout: Duration, log: @escaping @Sendable (String) -> Void,
                             output: @escaping @Sendable (String) -> Void) async throws -> KubernetesChaincodeInstance {
        let instance = KubernetesChaincodeInstance(client: client, namespace: namespace, spec: spec, log: log, output: output)
        try await instance.launch(pod: pod, startTimeout: startTimeout)
        return instance
    }

    private func launch(pod body: JSONValue, startTimeout: Duration) async throws {
        let created = try await createPod(body)
        do {
            if let uid = created.metadata.uid, let secret = spec.secret(podUID: uid) {
                try await createSecret(secret)
            }
            log("k8svm run: created pod \(namespace)/\(podName) (image \(spec.image.pinned))")
            startMonitor(from: created.metadata.resourceVersion ?? "")
            let timer = signalSink
            Task {
                try? await Task.sleep(for: startTimeout)
                timer.yield(.startTimedOut)
            }
            try await waitUntilRunning(startTimeout: startTimeout)
            await follower?.firstRequestAnswered()
        } catch {
            await removePod()
            throw error
        }
    }

    /// Creates the Pod; a stale Pod of the same name (an earlier `run` for this peer and package that was killed)
    /// is deleted first.
    private func createPod(_ body: JSONValue) async throws -> Pod {
        do {
            return try await client.create(body, as: Pod.self, namespace: namespace)
        } catch let error as KubernetesError where error.kind == .alreadyExists {
            log("k8svm run: replacing stale pod \(namespace)/\(podName)")
            try await deleteAndAwaitGone()
            return try await client.create(body, as: Pod.self, namespace: namespace)
        } catch let error as KubernetesError {
            throw K8sVMError("cannot create chaincode pod \(namespace)/\(podName): \(error)", cause: error)
        }
    }

    private func createSecret(_ secret: Secret) async throws {
        do {
            _ = try await client.create(secret, namespace: namespace)
        } catch let error as KubernetesError where error.kind == .alreadyExists {
            // Left by a Pod whose garbage collection has not happened yet.
            try? await client.delete(Secret.self, name: spec.identity.secretName, namespace: namespace)
            _ = try await client.create(secret, namespace: namespace)
        } catch let error as KubernetesError {
            throw K8sVMError("cannot create the TLS secret \(namespace)/\(spec.identity.secretName): \(error)", cause: error)
        }
    }

    /// Deletes the stale Pod at once and waits for the API server to report it gone.
    private func deleteAndAwaitGone() async throws {
        let stale: Pod
        do {
            stale = try await client.get(Pod.self, name: podName, namespace: namespace)
            try await client.delete(Pod.self, name: podName, namespace: namespace, gracePeriodSeconds: 0)
        } catch let error as KubernetesError where error.kind == .notFound {
            return
        }
        var watch = PodWatch(client: client, namespace: namespace, name: podName,
                             resourceVersion: stale.metadata.resourceVersion ?? "", log: log)
        while case .updated = try await watch.next() {}
    }

    private func startMonitor(from resourceVersion: String) {
        let sink = signalSink
        let (client, namespace, name, log) = (client, namespace, podName, log)
        monitor = Task {
            var watch = PodWatch(client: client, namespace: namespace, name: name, resourceVersion: resourceVersion, log: log)
            while !Task.isCancelled {
                do {
                    let change = try await watch.next()
                    sink.yield(.pod(change))
                    if case .deleted = change { return }
                } catch {
                    if !Task.isCancelled { sink.yield(.watchFailed(String(describing: error))) }
                    return
                }
            }
        }
    }

    private func nextSignal() async -> Signal {
        var iterator = signals.makeAsyncIterator()
        return await iterator.next() ?? .watchFailed("the watch ended")
    }

    private func waitUntilRunning(startTimeout: Duration) async throws {
        while true {
            switch await nextSignal() {
            case .pod(.updated(let pod)):
                switch PodProgress(pod, container: ChaincodePodSpec.containerName) {
                case .pending(let reason):
                    if let reason, reason != lastPending {
                        log("k8svm run: pod \(podName): \(reason)")
                        lastPending = reason
                    }
                case .running, .terminated:
                    startFollowingLogs()
                    return
                case .cannotStart(let reason, let message):
                    throw K8sVMError(await diagnosis("\(reason)\(message.isEmpty ? "" : ": \(message)")"))
                case .failed(let reason, let message):
                    throw K8sVMError(await diagnosis("\(reason): \(message)"))
                }
            case .pod(.deleted):
                throw K8sVMError("chaincode pod \(namespace)/\(podName) was deleted by someone else before it started")
            case .watchFailed(let reason):
                throw K8sVMError("lost track of chaincode pod \(namespace)/\(podName): \(reason)")
            case .startTimedOut:
                let last = lastPending.map { " (last state: \($0))" } ?? ""
                throw K8sVMError(await diagnosis("not running after \(startTimeout.configValue)\(last)"))
            case .stopGraceOver:
                continue
            }
        }
    }

    /// The failure in one message: the reason, then the warning Events on their own lines.
    private func diagnosis(_ reason: String) async -> String {
        await StartDiagnosis(client: client, namespace: namespace, pod: podName).lines(reason: reason).joined(separator: "\n")
    }

    private func startFollowingLogs() {
        guard follower == nil else { return }
        let follower = PodLogFollower(client: client, namespace: namespace, pod: podName,
                                      container: ChaincodePodSpec.containerName, sink: output)
        self.follower = follower
        following = Task { await follower.run() }
    }

    public func wait() async -> ExitStatus {
        if let finished { return finished }
        let status = await awaitEnd()
        finished = status
        // Closing the connections can take seconds (streams the server has not ended yet); the caller, often a `run`
        // about to exit, need not wait for that.
        let client = client
        Task { await client.shutdown() }
        return status
    }

    private func awaitEnd() async -> ExitStatus {
        while true {
            switch await nextSignal() {
            case .pod(.updated(let pod)):
                if pod.metadata.deletionTimestamp != nil, !stopping, !deletedElsewhere {
                    log("k8svm run: chaincode pod \(namespace)/\(podName) was deleted by someone else")
                    deletedElsewhere = true
                }
                switch PodProgress(pod, container: ChaincodePodSpec.containerName) {
                case .terminated(let terminated):
                    return await ended(terminated)
                case .failed(let reason, let message):
                    log("k8svm run: chaincode pod \(namespace)/\(podName) failed: \(reason): \(message)")
                    await cleanUp()
                    return .exited(1)
                case .pending, .running, .cannotStart:
                    continue
                }
            case .pod(.deleted(let last)):
                if let terminated = last.flatMap({ PodProgress($0, container: ChaincodePodSpec.containerName) }),
                   case .terminated(let state) = terminated {
                    return await ended(state)
                }
                if !stopping, !deletedElsewhere { log("k8svm run: chaincode pod \(namespace)/\(podName) was deleted by someone else") }
                await cleanUp()
                return stopping ? .signaled(SIGTERM) : .exited(1)
            case .watchFailed(let reason):
                log("k8svm run: lost track of chaincode pod \(namespace)/\(podName): \(reason)")
                await cleanUp()
                return .exited(1)
            case .stopGraceOver:
                log("k8svm run: pod \(namespace)/\(podName) has not ended within its grace period; Kubernetes finishes deleting it")
                await stopTasks()
                return .signaled(SIGTERM)
            case .startTimedOut:
                continue
            }
        }
    }

    /// The container ended: finish copying its log, say how it ended when that is worth saying, remove the Pod.
    private func ended(_ terminated: ContainerState.Terminated) async -> ExitStatus {
        await follower?.markContainerEnded()
        if let following {
            let done = Task { await following.value }
            // The API server ends a followed log about a second after the container; when it does not (the Pod is
            // being deleted, the server is away), what arrived is what there is.
            let deadline = Task {
                try? await Task.sleep(for: .milliseconds(stopping ? 500 : 2000))
                following.cancel()
            }
            await done.value
            deadline.cancel()
        }
        switch terminated.reason {
        case "OOMKilled":
            let limit = spec.settings.memoryLimit.isEmpty ? "" : " (limit \(spec.settings.memoryLimit))"
            log("k8svm run: chaincode in pod \(namespace)/\(podName) was killed for using too much memory\(limit), exit code \(terminated.exitCode)")
        case "Completed", "Error", nil:
            break
        case let reason?:
            log("k8svm run: chaincode container ended: \(reason)")
        }
        await cleanUp()
        // A chaincode whose Pod was taken away did not end by itself, whatever its exit code.
        return .exited(deletedElsewhere && terminated.exitCode == 0 ? 1 : terminated.exitCode)
    }

    public func stop(grace: Duration) async {
        guard !stopping, finished == nil else { return }
        stopping = true
        let seconds = Int((Double(grace.components.seconds) + Double(grace.components.attoseconds) / 1e18).rounded(.up))
        log("k8svm run: deleting pod \(namespace)/\(podName) (grace period \(seconds)s)")
        do {
            try await client.delete(Pod.self, name: podName, namespace: namespace, gracePeriodSeconds: seconds)
        } catch {
            log("k8svm run: could not delete pod \(namespace)/\(podName): \(error)")
        }
        let sink = signalSink
        Task {
            try? await Task.sleep(for: grace + .seconds(1))
            sink.yield(.stopGraceOver)
        }
    }

    /// Deletes the Pod at once, and its Secret (which the garbage collector would remove a moment later).
    private func cleanUp() async {
        await stopTasks()
        await removePod()
    }

    private func removePod() async {
        try? await client.delete(Pod.self, name: podName, namespace: namespace, gracePeriodSeconds: 0)
        if spec.connection.tls != nil {
            try? await client.delete(Secret.self, name: spec.identity.secretName, namespace: namespace)
        }
    }

    private func stopTasks() async {
        monitor?.cancel()
        following?.cancel()
        await following?.value
    }
}
