import Foundation
import Synchronization

/// The fake node `localhost`: schedules and runs each Pod's container as a local process, writing status updates,
/// events and logs with the recorded timings (README items 13–19) multiplied by the time scale.
/// Only a pod's first container is run.
final class Kubelet: Sendable {
    /// What the kubelet keeps for one pod.
    final class Runtime: Sendable {
        let log = ContainerLog()
        let process = Mutex<ContainerProcess?>(nil)
        let task = Mutex<Task<Void, Never>?>(nil)
        let scratch: URL

        init(scratch: URL) { self.scratch = scratch }
    }

    let cluster: Cluster
    let clock: Clock
    private let events: EventRecorder
    private let images = Mutex<[String: [String]]>([:])
    private let runtimes = Mutex<[String: Runtime]>([:])
    private let scratchRoot: URL
    /// The volumes of PersistentVolumeClaims, `NAMESPACE/CLAIM`.
    var claimsRoot: URL { scratchRoot.appendingPathComponent("claims") }

    init(cluster: Cluster, clock: Clock) throws {
        self.cluster = cluster
        self.clock = clock
        events = EventRecorder(cluster: cluster)
        scratchRoot = FileManager.default.temporaryDirectory.appendingPathComponent("fake-kubelet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratchRoot, withIntermediateDirectories: true)
    }

    func registerImage(_ repository: String, entrypoint: [String]) {
        images.withLock { $0[repository] = entrypoint }
    }

    /// The repository part of an image reference: no `@digest`, no `:tag` after the last `/`.
    static func repository(of image: String) -> String {
        let withoutDigest = image.split(separator: "@").first.map(String.init) ?? image
        guard let colon = withoutDigest.lastIndex(of: ":"), !withoutDigest[colon...].contains("/") else { return withoutDigest }
        return String(withoutDigest[..<colon])
    }

    private static func key(_ namespace: String, _ name: String) -> String { "\(namespace)/\(name)" }

    func runtime(_ namespace: String, _ name: String) -> Runtime? { runtimes.withLock { $0[Self.key(namespace, name)] } }

    func forgetRuntime(_ namespace: String, _ name: String) -> Runtime? {
        runtimes.withLock { $0.removeValue(forKey: Self.key(namespace, name)) }
    }

    /// Starts the lifecycle of a newly created pod.
    func start(pod: JSON) {
        let namespace = pod["metadata"]?["namespace"]?.string ?? ""
        let name = pod["metadata"]?["name"]?.string ?? ""
        let runtime = Runtime(scratch: scratchRoot.appendingPathComponent(UUID().uuidString))
        runtimes.withLock { $0[Self.key(namespace, name)] = runtime }
        let task = Task { await self.run(namespace, name, runtime) }
        runtime.task.withLock { $0 = task }
    }

    private func current(_ namespace: String, _ name: String) -> JSON? { cluster.get(.pods, namespace, name) }

    private func setStatus(_ namespace: String, _ name: String, _ status: JSON, spec: ((inout JSON) -> Void)? = nil) {
        cluster.modify(.pods, namespace, name) { pod in
            if var podSpec = pod["spec"], let spec { spec(&podSpec); pod["spec"] = podSpec }
            pod["status"] = status
            return true
        }
    }

    private func run(_ namespace: String, _ name: String, _ runtime: Runtime) async {
        do {
            guard let created = current(namespace, name) else { return }
            let container = created["spec"]?["containers"]?[0] ?? .object([])
            let image = container["image"]?.string ?? ""
            var status = PodStatus(containerName: container["name"]?.string ?? "", image: image,
                                   qosClass: created["status"]?["qosClass"]?.string ?? "BestEffort", startTime: Clock.seconds())
            try await clock.sleep(recorded: 0.045)  // pod-success/02 +46 ms
            setStatus(namespace, name, status.scheduled()) { spec in
                spec.insert("nodeName", .string("localhost"), after: ["automountServiceAccountToken", "serviceAccount", "serviceAccountName"])
            }
            events.scheduled(created)
            try await clock.sleep(recorded: 0.005)  // +51 ms
            setStatus(namespace, name, status.waiting(reason: "ContainerCreating"))
            try await clock.sleep(recorded: 0.8)
            guard let pod = current(namespace, name) else { return }
            guard let entrypoint = images.withLock({ $0[Self.repository(of: image)] }) else {
                return try await pullFailures(namespace, name, pod, status)
            }
            let mounts = try await mountVolumes(pod, container, runtime, namespace)
            let podIP = "127.0.0.1"
            events.kubelet(pod, container: status.containerName, reason: "Pulled",
                           message: "Container image \"\(image)\" already present on machine")
            events.kubelet(pod, container: status.containerName, reason: "Created", message: "Created container \(status.containerName)")
            let process = try launch(pod, container, entrypoint: entrypoint, mounts: mounts.binds, runtime: runtime, podIP: podIP)
            runtime.process.withLock { $0 = process }
            events.kubelet(pod, container: status.containerName, reason: "Started", message: "Started container \(status.containerName)")
            let startedAt = Clock.seconds()
            let containerID = "containerd://" + (UUID().uuidString + UUID().uuidString).replacingOccurrences(of: "-", with: "").lowercased()
            status.conditionTimes = ["Ready": startedAt, "ContainersReady": startedAt]
            setStatus(namespace, name, status.running(startedAt: startedAt, containerID: containerID))
            let exitCode = await process.wait()
            let finishedAt = Clock.seconds()
            Task { [clock] in
                try? await clock.sleep(recorded: 1.0)  // pod-success/04: the follow stream ends about 1 s after exit
                runtime.log.close()
            }
            try? await clock.sleep(recorded: 0.2)
            let reason = process.wasOOMKilled ? "OOMKilled" : (exitCode == 0 ? "Completed" : "Error")
            let message = terminationMessage(container, file: mounts.terminationLog, exitCode: exitCode, log: runtime.log)
            status.conditionTimes["Ready"] = finishedAt
            status.conditionTimes["ContainersReady"] = finishedAt
            let finalPhase = exitCode == 0 ? "Succeeded" : "Failed"
            let deleting = current(namespace, name)?["metadata"]?["deletionTimestamp"] != nil
            let terminated = { (phase: String) in
                status.terminated(phase: phase, exitCode: exitCode, reason: reason, message: message, startedAt: startedAt,
                                  finishedAt: finishedAt, containerID: containerID)
            }
            setStatus(namespace, name, terminated(deleting ? finalPhase : "Running"))
            if deleting {
                try? await clock.sleep(recorded: 0.014)  // pod-graceful-delete/02: grace-0 MODIFIED 14 ms later
                finishDeletion(namespace, name)
                return
            }
            try await clock.sleep(recorded: 2.0)  // README item 14.5
            setStatus(namespace, name, terminated(finalPhase))
        } catch {
            return  // cancelled: the pod was deleted
        }
    }

    /// ErrImagePull / ImagePullBackOff alternation (pod-image-missing/02: +0.8 s, +11.6 s, +26.6 s, +40.6 s, …).
    private func pullFailures(_ namespace: String, _ name: String, _ pod: JSON, _ status: PodStatus) async throws {
        let image = status.image
        let container = status.containerName
        let pullError = "rpc error: code = NotFound desc = failed to pull and unpack image \"\(image)\": failed to resolve reference \"\(image)\": \(image): not found"
        let backOff = "Back-off pulling image \"\(image)\""
        var wait = 10.8
        while !Task.isCancelled {
            events.kubelet(pod, container: container, reason: "Pulling", message: "Pulling image \"\(image)\"")
            events.kubelet(pod, container: container, reason: "Failed", message: "Failed to pull image \"\(image)\": \(pullError)", warning: true)
            events.kubelet(pod, container: container, reason: "Failed", message: "Error: ErrImagePull", warning: true)
            setStatus(namespace, name, status.waiting(reason: "ErrImagePull", message: pullError))
            try await clock.sleep(recorded: wait)
            events.kubelet(pod, container: container, reason: "BackOff", message: backOff)
            events.kubelet(pod, container: container, reason: "Failed", message: "Error: ImagePullBackOff", warning: true)
            setStatus(namespace, name, status.waiting(reason: "ImagePullBackOff", message: backOff))
            try await clock.sleep(recorded: 15.0)
            wait = min(wait * 1.3, 300)
        }
    }

    /// Secret volumes (decoded, `defaultMode`), `emptyDir`s, `hostPath`s and claims bound at their mount paths, plus the
    /// termination-message file. A missing Secret leaves the pod in ContainerCreating with `FailedMount` events
    /// until it appears, as a real kubelet does (not in the recordings: there the Secret was always in time).
    private func mountVolumes(_ pod: JSON, _ container: JSON, _ runtime: Runtime, _ namespace: String) async throws
        -> (binds: [ContainerProcess.Mount], terminationLog: URL) {
        let files = FileManager.default
        try files.createDirectory(at: runtime.scratch, withIntermediateDirectories: true)
        var sources: [String: String] = [:]
        for (index, volume) in (pod["spec"]?["volumes"]?.array ?? []).enumerated() {
            let volumeName = volume["name"]?.string ?? ""
            let directory = runtime.scratch.appendingPathComponent("volume-\(index)")
            if let secretName = volume["secret"]?["secretName"]?.string {
                var secret = cluster.get(.secrets, namespace, secretName)
                while secret == nil, volume["secret"]?["optional"]?.bool != true {
                    events.kubelet(pod, container: container["name"]?.string ?? "", reason: "FailedMount",
                                   message: "MountVolume.SetUp failed for volume \"\(volumeName)\" : secret \"\(secretName)\" not found",
                                   warning: true)
                    try await clock.sleep(recorded: 2.0)
                    secret = cluster.get(.secrets, namespace, secretName)
                }
                try files.createDirectory(at: directory, withIntermediateDirectories: true)
                let mode = volume["secret"]?["defaultMode"]?.int ?? 420
                for (key, value) in secret?["data"]?.stringMap ?? [:] {
                    let path = directory.appendingPathComponent(key).path
                    _ = files.createFile(atPath: path, contents: Data(base64Encoded: value) ?? Data(), attributes: [.posixPermissions: mode])
                }
                sources[volumeName] = directory.path
            } else if volume["emptyDir"] != nil {
                try files.createDirectory(at: directory, withIntermediateDirectories: true)
                sources[volumeName] = directory.path
            } else if let hostPath = volume["hostPath"]?["path"]?.string {
                sources[volumeName] = hostPath
            } else if let claim = volume["persistentVolumeClaim"]?["claimName"]?.string {
                // The fake keeps no PersistentVolumeClaim objects: every claim counts as bound, to a directory of its
                // own that outlives the Pods using it, as a real volume does.
                let claimDirectory = claimsRoot.appendingPathComponent("\(namespace)/\(claim)")
                try files.createDirectory(at: claimDirectory, withIntermediateDirectories: true)
                sources[volumeName] = claimDirectory.path
            }
        }
        var binds = (container["volumeMounts"]?.array ?? []).compactMap { mount -> ContainerProcess.Mount? in
            guard let source = sources[mount["name"]?.string ?? ""], let target = mount["mountPath"]?.string else { return nil }
            return ContainerProcess.Mount(source: source, target: target, readOnly: mount["readOnly"]?.bool ?? false)
        }
        let terminationLog = runtime.scratch.appendingPathComponent("termination-log")
        _ = files.createFile(atPath: terminationLog.path, contents: Data(), attributes: [.posixPermissions: 0o666])
        binds.append(.init(source: terminationLog.path, target: container["terminationMessagePath"]?.string ?? "/dev/termination-log",
                           readOnly: false))
        return (binds, terminationLog)
    }

    private func launch(_ pod: JSON, _ container: JSON, entrypoint: [String], mounts: [ContainerProcess.Mount],
                        runtime: Runtime, podIP: String) throws -> ContainerProcess {
        // The container's own variables, in order: a value may refer to those defined before it.
        var variables: [String: String] = [:]
        let namespace = pod["metadata"]?["namespace"]?.string ?? ""
        for env in container["env"]?.array ?? [] {
            guard let name = env["name"]?.string else { continue }
            if let value = env["value"]?.string {
                variables[name] = VariableExpansion.expand(value, variables)
            } else if let field = env["valueFrom"]?["fieldRef"]?["fieldPath"]?.string {
                variables[name] = switch field {
                case "metadata.name": pod["metadata"]?["name"]?.string ?? ""
                case "metadata.namespace": namespace
                case "metadata.uid": pod["metadata"]?["uid"]?.string ?? ""
                case "spec.nodeName": "localhost"
                case "spec.serviceAccountName": pod["spec"]?["serviceAccountName"]?.string ?? ""
                default: podIP  // status.podIP, status.hostIP
                }
            } else if let ref = env["valueFrom"]?["secretKeyRef"], let secretName = ref["name"]?.string, let key = ref["key"]?.string,
                      let value = cluster.get(.secrets, namespace, secretName)?["data"]?[key]?.string,
                      let decoded = Data(base64Encoded: value) {
                variables[name] = String(decoding: decoded, as: UTF8.self)
            }
        }
        // The image's entrypoint is run as it is; the Pod's command and args are expanded.
        let args = (container["args"]?.array?.compactMap(\.string) ?? []).map { VariableExpansion.expand($0, variables) }
        let command = container["command"]?.array?.compactMap(\.string).map { VariableExpansion.expand($0, variables) }
        let argv = command.map { $0 + args } ?? entrypoint + args
        let environment = ["PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                           "HOSTNAME": pod["metadata"]?["name"]?.string ?? ""].merging(variables) { $1 }
        return try ContainerProcess(argv: argv, environment: environment, workingDirectory: container["workingDir"]?.string ?? "/",
                                    mounts: mounts, log: runtime.log, scratch: runtime.scratch)
    }

    /// The termination-log file, or with `FallbackToLogsOnError` after a failure and an empty file the log tail
    /// (job-deadline/, README item 15).
    private func terminationMessage(_ container: JSON, file: URL, exitCode: Int32, log: ContainerLog) -> String? {
        let written = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        if !written.isEmpty { return written }
        guard container["terminationMessagePolicy"]?.string == "FallbackToLogsOnError", exitCode != 0 else { return nil }
        let tail = String(log.text(timestamps: false, tailLines: 80).suffix(2048))
        return tail.isEmpty ? nil : tail
    }

    /// `oomKill(pod:namespace:)` test hook: SIGKILL reported as `OOMKilled`, exit 137.
    func oomKill(_ namespace: String, _ name: String) {
        runtime(namespace, name)?.process.withLock { $0 }?.oomKill()
    }

    func stopAll() {
        let all = runtimes.withLock { runtimes in
            defer { runtimes = [:] }
            return Array(runtimes.values)
        }
        for runtime in all {
            runtime.task.withLock { $0 }?.cancel()
            runtime.process.withLock { $0 }?.signal(SIGKILL)
            runtime.log.close()
        }
        try? FileManager.default.removeItem(at: scratchRoot)
    }
}
