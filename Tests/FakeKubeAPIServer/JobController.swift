import Foundation
import Synchronization

/// The job controller and the TTL-after-finished controller (README items 21–24; job-success/, job-failed/,
/// job-deadline/): one pod at a time, retried up to `backoffLimit`, `activeDeadlineSeconds`, pod finalizers and
/// the status steps `active` → `ready` → `uncountedTerminatedPods` → `succeeded`/`failed` with the condition.
final class JobController: Sendable {
    private let cluster: Cluster
    private let kubelet: Kubelet
    private let clock: Clock
    private let tasks = Mutex<[Task<Void, Never>]>([])
    /// Foreground deletion of a finished job whose TTL ran out, set by the server.
    let expire = Mutex<(@Sendable (String, String) -> Void)?>(nil)

    init(cluster: Cluster, kubelet: Kubelet, clock: Clock) {
        self.cluster = cluster
        self.kubelet = kubelet
        self.clock = clock
    }

    func start(job: JSON) {
        let task = Task { await self.run(job) }
        tasks.withLock { $0.append(task) }
    }

    func stopAll() { for task in tasks.withLock({ $0 }) { task.cancel() } }

    /// Job status in JobStatus field order.
    private struct Status {
        var conditions: [JSON] = []
        var startTime: String
        var completionTime: String?
        var active: Int?
        var succeeded: Int?
        var failed: Int?
        var uncounted: JSON = .object([])
        var ready = 0

        var json: JSON {
            .obj(["conditions": conditions.isEmpty ? nil : .array(conditions), "startTime": .string(startTime),
                  "completionTime": completionTime.map(JSON.string), "active": active.map(JSON.int),
                  "succeeded": succeeded.map(JSON.int), "failed": failed.map(JSON.int),
                  "uncountedTerminatedPods": uncounted, "ready": .int(ready)])
        }
    }

    private func write(_ namespace: String, _ name: String, _ status: Status) -> Bool {
        cluster.modify(.jobs, namespace, name) { job in
            job["status"] = status.json
            return true
        } != nil
    }

    private func createPod(for job: JSON) -> JSON? {
        let metadata = job["metadata"] ?? .object([])
        let template = job["spec"]?["template"] ?? .object([])
        let body = JSON.obj([
            "metadata": .obj([
                "generateName": .string((metadata["name"]?.string ?? "") + "-"), "labels": template["metadata"]?["labels"],
                "ownerReferences": .array([.obj(["apiVersion": .string("batch/v1"), "kind": .string("Job"), "name": metadata["name"],
                                                 "uid": metadata["uid"], "controller": .bool(true), "blockOwnerDeletion": .bool(true)])]),
                "finalizers": .array([.string("batch.kubernetes.io/job-tracking")]),
            ]),
            "spec": template["spec"],
        ])
        guard let pod = cluster.create(.pods, Defaults.pod(body, namespace: metadata["namespace"]?.string ?? "")) else { return nil }
        kubelet.start(pod: pod)
        return pod
    }

    private func run(_ job: JSON) async {
        let namespace = job["metadata"]?["namespace"]?.string ?? ""
        let name = job["metadata"]?["name"]?.string ?? ""
        let backoffLimit = job["spec"]?["backoffLimit"]?.int ?? 6
        let start = Date()
        // startTime is stored in whole seconds, so the deadline counts from the truncated second (README item 22).
        let deadline = job["spec"]?["activeDeadlineSeconds"]?.int.map {
            Date(timeIntervalSince1970: start.timeIntervalSince1970.rounded(.down) + Double($0))
        }
        var status = Status(startTime: Clock.seconds(start))
        do {
            while !Task.isCancelled {
                try await clock.sleep(recorded: 0.005)
                guard let current = cluster.get(.jobs, namespace, name), let pod = createPod(for: current) else { return }
                let podName = pod["metadata"]?["name"]?.string ?? ""
                let podUID = pod["metadata"]?["uid"]?.string ?? ""
                // However this attempt ends, even with the job deleted under it, the pod loses its tracking
                // finalizer, so a deleted pod does not stay (the real controller releases orphaned pods too).
                defer { release(namespace, podName) }
                status.active = 1
                guard write(namespace, name, status) else { return }
                let outcome = try await watchPod(namespace, name, podName, deadline: deadline, status: &status)
                try await clock.sleep(recorded: outcome == "DeadlineExceeded" ? 0 : 1.0)
                let succeeded = outcome == "Succeeded"
                status.active = nil
                status.uncounted = .obj([succeeded ? "succeeded" : "failed": .array([.string(podUID)])])
                guard write(namespace, name, status) else { return }
                release(namespace, podName)
                try await clock.sleep(recorded: 0.012)
                status.uncounted = .object([])
                let now = Clock.seconds()
                if succeeded {
                    status.succeeded = (status.succeeded ?? 0) + 1
                    status.completionTime = now
                    status.conditions = [.obj(["type": .string("Complete"), "status": .string("True"),
                                               "lastProbeTime": .string(now), "lastTransitionTime": .string(now)])]
                } else {
                    status.failed = (status.failed ?? 0) + 1
                    if outcome != "DeadlineExceeded" && status.failed! <= backoffLimit {
                        guard write(namespace, name, status) else { return }
                        continue
                    }
                    let deadlineHit = outcome == "DeadlineExceeded"
                    status.conditions = [.obj([
                        "type": .string("Failed"), "status": .string("True"), "lastProbeTime": .string(now),
                        "lastTransitionTime": .string(now),
                        "reason": .string(deadlineHit ? "DeadlineExceeded" : "BackoffLimitExceeded"),
                        "message": .string(deadlineHit ? "Job was active longer than specified deadline" : "Job has reached the specified backoff limit"),
                    ])]
                }
                guard write(namespace, name, status) else { return }
                if let ttl = job["spec"]?["ttlSecondsAfterFinished"]?.int {
                    try await Task.sleep(nanoseconds: UInt64(ttl) * 1_000_000_000)
                    expire.withLock { $0 }?(namespace, name)
                }
                return
            }
        } catch {
            return
        }
    }

    /// Removes the pod's `batch.kubernetes.io/job-tracking` finalizer, and the pod if it was deleted meanwhile.
    private func release(_ namespace: String, _ pod: String) {
        cluster.modify(.pods, namespace, pod) { pod in
            guard pod["metadata"]?["finalizers"] != nil else { return false }
            pod["metadata"]?["finalizers"] = nil
            return true
        }
        kubelet.removeIfFinalized(namespace, pod)
    }

    /// Follows the pod until it ends ("Succeeded"/"Failed") or the deadline passes ("DeadlineExceeded", after which
    /// the pod is deleted with its own grace period), mirroring `ready` into the job status about 1 s late.
    private func watchPod(_ namespace: String, _ job: String, _ pod: String, deadline: Date?, status: inout Status) async throws -> String {
        while true {
            try await Task.sleep(nanoseconds: 20_000_000)
            if let deadline, Date() >= deadline {
                _ = kubelet.delete(namespace, pod, grace: nil)
                return "DeadlineExceeded"
            }
            guard let current = cluster.get(.pods, namespace, pod) else { return "Failed" }
            let phase = current["status"]?["phase"]?.string
            if phase == "Succeeded" || phase == "Failed" { return phase! }
            let ready = current["status"]?["conditions"]?.array?.contains {
                $0["type"]?.string == "Ready" && $0["status"]?.string == "True"
            } ?? false
            if (ready ? 1 : 0) != status.ready {
                try await clock.sleep(recorded: 1.0)
                status.ready = ready ? 1 : 0
                guard write(namespace, job, status) else { throw CancellationError() }
            }
        }
    }
}
