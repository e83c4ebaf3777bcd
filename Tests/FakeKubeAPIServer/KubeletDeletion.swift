import Foundation

/// Pod deletion as the API server and kubelet do it together (README items 9, 19; pod-success/10,
/// pod-graceful-delete/, pod-graceful-delete-sigterm-ignored/).
extension Kubelet {
    /// Handles `DELETE pods/NAME`; returns the body: the object after the call (the DELETED state for an
    /// immediate delete, pod-success/10).
    func delete(_ namespace: String, _ name: String, grace requested: Int?) -> JSON? {
        guard let pod = cluster.get(.pods, namespace, name) else { return nil }
        let grace = requested ?? pod["spec"]?["terminationGracePeriodSeconds"]?.int ?? 30
        let runtime = runtime(namespace, name)
        let process = runtime?.process.withLock { $0 }
        if grace > 0, let process, process.isRunning {
            if pod["metadata"]?["deletionTimestamp"] != nil { return pod }
            let marked = cluster.modify(.pods, namespace, name) { pod in
                Self.markDeleted(&pod, at: Date().addingTimeInterval(Double(grace)), grace: grace)
                return true
            }
            process.signal(SIGTERM)
            Task { [clock] in
                try? await Task.sleep(nanoseconds: UInt64(grace) * 1_000_000_000)
                try? await clock.sleep(recorded: 0)
                process.signal(SIGKILL)  // grace period over (README item 19: 137, reason Error)
            }
            return marked
        }
        runtime?.task.withLock { $0 }?.cancel()
        process?.signal(SIGKILL)
        let marked = cluster.modify(.pods, namespace, name) { pod in
            Self.markDeleted(&pod, at: Date(), grace: 0)
            return true
        }
        return removeIfFinalized(namespace, name) ?? marked
    }

    /// Sets `deletionTimestamp` and `deletionGracePeriodSeconds` after `creationTimestamp`, where ObjectMeta has them.
    static func markDeleted(_ object: inout JSON, at date: Date, grace: Int) {
        guard var metadata = object["metadata"] else { return }
        metadata.insert("deletionTimestamp", .string(Clock.seconds(date)), after: ["creationTimestamp"])
        metadata.insert("deletionGracePeriodSeconds", .int(grace), after: ["deletionTimestamp"])
        object["metadata"] = metadata
    }

    /// The kubelet's final delete after the container stopped: grace 0 with the timestamp moved back to now, then
    /// DELETED (pod-graceful-delete/02).
    func finishDeletion(_ namespace: String, _ name: String) {
        cluster.modify(.pods, namespace, name) { pod in
            Self.markDeleted(&pod, at: Date(), grace: 0)
            return true
        }
        removeIfFinalized(namespace, name)
    }

    /// Removes a pod marked for deletion with grace 0 once no finalizer holds it (the job controller's
    /// `batch.kubernetes.io/job-tracking`, README item 23).
    @discardableResult
    func removeIfFinalized(_ namespace: String, _ name: String) -> JSON? {
        guard let pod = cluster.get(.pods, namespace, name), pod["metadata"]?["deletionGracePeriodSeconds"]?.int == 0,
              pod["metadata"]?["finalizers"]?.array?.isEmpty ?? true else { return nil }
        let removed = cluster.remove(.pods, namespace, name)
        if removed != nil { forget(namespace, name) }
        return removed
    }
}
