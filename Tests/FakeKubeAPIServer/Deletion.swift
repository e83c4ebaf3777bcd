import Foundation

/// `DELETE` (README items 2, 18, 24): a Status for objects removed at once (rbac/14, job-success/07), the object
/// when it still exists after the call (pods, foreground and orphan deletion), and the garbage collector.
extension API {
    private static func success(_ resource: Resource, _ object: JSON) -> JSON {
        .obj(["kind": .string("Status"), "apiVersion": .string("v1"), "metadata": .object([]), "status": .string("Success"),
              "details": .obj(["name": object["metadata"]?["name"], "group": resource.group.nilIfEmpty.map(JSON.string),
                               "kind": .string(resource.name), "uid": object["metadata"]?["uid"]])])
    }

    func delete(_ route: APIRoute, _ name: String, _ parameters: [String: String]) throws(APIError) -> Reply {
        let resource = route.resource
        let namespace = route.namespace ?? ""
        guard let object = cluster.get(resource, namespace, name) else { throw .notFound(resource, name) }
        switch resource {
        case .pods:
            guard let body = kubelet.delete(namespace, name, grace: parameters["gracePeriodSeconds"].flatMap(Int.init)) else {
                throw .notFound(resource, name)
            }
            return .ok(body)
        case .jobs:
            return deleteJob(namespace, name, policy: parameters["propagationPolicy"]) ?? .failure(.notFound(resource, name))
        default:
            cluster.remove(resource, namespace, name)
            return .ok(Self.success(resource, object))
        }
    }

    /// Background: Status, job gone at once, pods collected. Foreground: the job with `foregroundDeletion` until its
    /// pods are gone (job-failed/07). None or Orphan: the job with `orphan`, pods keep running without owner
    /// (job-delete-default-orphans/07, with the Warning header when no policy was given).
    func deleteJob(_ namespace: String, _ name: String, policy: String?) -> Reply? {
        guard let job = cluster.get(.jobs, namespace, name) else { return nil }
        if policy == "Background" {
            cluster.remove(.jobs, namespace, name)
            return .ok(Self.success(.jobs, job))
        }
        let finalizer = policy == "Foreground" ? "foregroundDeletion" : "orphan"
        let marked = cluster.modify(.jobs, namespace, name) { job in
            Kubelet.markDeleted(&job, at: Date(), grace: 0)
            let generation = job["metadata"]?["generation"]?.int ?? 1
            job["metadata"]?["generation"] = .int(generation + 1)
            job["metadata"]?["finalizers"] = .array([.string(finalizer)])
            return true
        } ?? job
        let uid = job["metadata"]?["uid"]?.string
        let pods = cluster.list(.pods, namespace: namespace).filter { Self.owners($0).contains(uid ?? "") }
        Task { [cluster, kubelet, clock] in
            try? await clock.sleep(recorded: 0.02)
            for pod in pods {
                let podName = pod["metadata"]?["name"]?.string ?? ""
                if finalizer == "orphan" {
                    cluster.modify(.pods, namespace, podName) { pod in
                        pod["metadata"]?["ownerReferences"] = nil
                        return true
                    }
                } else {
                    _ = kubelet.delete(namespace, podName, grace: nil)
                }
            }
            while finalizer == "foregroundDeletion",
                  cluster.list(.pods, namespace: namespace).contains(where: { Self.owners($0).contains(uid ?? "") }) {
                try? await Task.sleep(nanoseconds: 20_000_000)
            }
            cluster.remove(.jobs, namespace, name)
        }
        let warning = policy == nil
            ? [("Warning", "299 - \"child pods are preserved by default when jobs are deleted; set propagationPolicy=Background to remove them or set propagationPolicy=Orphan to suppress this warning\"")]
            : []
        return .ok(marked, headers: warning)
    }

    static func owners(_ object: JSON) -> [String] {
        object["metadata"]?["ownerReferences"]?.array?.compactMap { $0["uid"]?.string } ?? []
    }

    /// The garbage collector: dependents of a removed object are deleted right after it (README item 18), pods
    /// through the kubelet with their own grace period.
    func collectGarbage(after removed: JSON) {
        guard let uid = removed["metadata"]?["uid"]?.string,
              !(removed["metadata"]?["finalizers"]?.array?.contains(.string("orphan")) ?? false) else { return }
        for (resource, object) in cluster.allObjects where Self.owners(object).contains(uid) {
            let namespace = object["metadata"]?["namespace"]?.string ?? ""
            let name = object["metadata"]?["name"]?.string ?? ""
            if resource == .pods {
                _ = kubelet.delete(namespace, name, grace: nil)
            } else {
                cluster.remove(resource, namespace, name)
            }
        }
    }
}
