import K8sVMCore
import KubernetesClient

/// The Kubernetes Job of one stage-1 build: one Pod, never retried (`backoffLimit` 0), stopped by Kubernetes at the
/// build timeout (`activeDeadlineSeconds`), removed by the TTL controller if K8sVM could not delete it, hardened like
/// every K8sVM Pod (`PodHardening`), with the configured resources and the operator's pod template laid over it,
/// owned by the peer Pod when that is configured. Its Pod carries the label `k8svm.io/stage1` with the Job's name, by
/// which the runner watches it.
public struct BuildJobSpec: Sendable {
    /// The build container's name (a `build.podTemplate` names it).
    public static let containerName = "build"
    static let label = "k8svm.io/stage1"
    static let cacheVolume = "cache"

    let name: String
    let settings: JobStageOneRunner.Settings

    /// A fresh name: the prefix, the sanitised label and a random suffix, short enough for the Pod names and the
    /// `job-name` label Kubernetes derives from it.
    init(label: String, settings: JobStageOneRunner.Settings) {
        let suffix = String(UInt32.random(in: .min ... .max), radix: 16)
        let stem = KubernetesNames.sanitized(settings.namePrefix + "-" + label, limit: 52 - suffix.count - 1)
        name = stem + "-" + suffix
        self.settings = settings
    }

    /// The Job to create: `job(…)` with the configured pod template laid over its Pod.
    func body(image: String, environment: [(String, String)], timeout: Duration) throws -> JSONValue {
        let job = job(image: image, environment: environment, timeout: timeout)
        guard let template = settings.podTemplate else { return try JSONValue(encoding: job) }
        do {
            return try template.applied(to: job)
        } catch {
            throw K8sVMError("build.podTemplate: \(error)", cause: error)
        }
    }

    func job(image: String, environment: [(String, String)], timeout: Duration) -> Job {
        var container = Container(name: Self.containerName, image: image)
        container.imagePullPolicy = settings.imagePullPolicy
        container.env = environment.map { EnvVar.literal($0.0, $0.1) }
        container.resources = settings.resources.json
        // On a failure the status message carries the log's tail; on success the summary (k8svm-stage1).
        container.terminationMessagePolicy = "FallbackToLogsOnError"
        var pod = PodSpec(containers: [container])
        pod.restartPolicy = "Never"
        // A build has nothing to save when stopped; the shell that runs it is PID 1 and ignores SIGTERM.
        pod.terminationGracePeriodSeconds = 5
        PodHardening(runAsUser: settings.runAsUser).apply(to: &pod)
        if !settings.cacheVolumeClaim.isEmpty {
            // The caches outlive the build: a claim every build mounts, writable by the build's group.
            pod.volumes = (pod.volumes ?? []) + [.object(["name": .string(Self.cacheVolume),
                                                          "persistentVolumeClaim": .object(["claimName": .string(settings.cacheVolumeClaim)])])]
            pod.containers[0].volumeMounts = (pod.containers[0].volumeMounts ?? [])
                + [VolumeMount(name: Self.cacheVolume, mountPath: StageOneSession.cacheDirectory)]
            if case .object(var context)? = pod.securityContext {
                context["fsGroup"] = .integer(Int64(settings.runAsUser))
                pod.securityContext = .object(context)
            }
        }

        let labels = settings.labels.merging([Self.label: name]) { $1 }
        var spec = Job.Spec(template: .init(metadata: ObjectMeta(labels: labels), spec: pod))
        spec.backoffLimit = 0
        spec.activeDeadlineSeconds = max(1, timeout.wholeSecondsUp)
        spec.ttlSecondsAfterFinished = settings.ttlSecondsAfterFinished
        return Job(metadata: ObjectMeta(name: name, labels: labels, ownerReferences: settings.owner.map { [$0] }), spec: spec)
    }
}
