import Foundation
import Synchronization

/// Writes the Events the scheduler and the kubelet emit (README item 17, pod-success/08, pod-image-missing/08):
/// `Scheduled` new-style, the kubelet's old-style with `count`, repeats aggregated by bumping `count`.
struct EventRecorder: Sendable {
    let cluster: Cluster

    private static func involved(_ pod: JSON, container: String?) -> JSON {
        let metadata = pod["metadata"] ?? .object([])
        return .obj(["kind": .string("Pod"), "namespace": metadata["namespace"], "name": metadata["name"],
                     "uid": metadata["uid"], "apiVersion": .string("v1"), "resourceVersion": metadata["resourceVersion"],
                     "fieldPath": container.map { .string("spec.containers{\($0)}") }])
    }

    private static let lastSuffix = Mutex<UInt64>(0)

    /// `<pod>.<nanoseconds since 1970 in hex>`, like the kubelet's names (`rec-success.18ea1091bfa4ed92`), so a
    /// list (ordered by name) shows events in the order they were made.
    private static func metadata(_ pod: JSON) -> JSON {
        let suffix = lastSuffix.withLock { last in
            last = max(last + 1, UInt64(Date().timeIntervalSince1970 * 1e9))
            return last
        }
        let name = (pod["metadata"]?["name"]?.string ?? "") + "." + String(suffix, radix: 16)
        return .obj(["name": .string(name), "namespace": pod["metadata"]?["namespace"], "uid": .string(UUID().uuidString.lowercased()),
                     "resourceVersion": .string("0"), "creationTimestamp": .string(Clock.seconds())])
    }

    /// The scheduler's `Scheduled` event.
    func scheduled(_ pod: JSON) {
        let namespace = pod["metadata"]?["namespace"]?.string ?? ""
        let name = pod["metadata"]?["name"]?.string ?? ""
        cluster.create(.events, .obj([
            "kind": .string("Event"), "apiVersion": .string("v1"), "metadata": Self.metadata(pod),
            "involvedObject": Self.involved(pod, container: nil), "reason": .string("Scheduled"),
            "message": .string("Successfully assigned \(namespace)/\(name) to localhost"), "source": .object([]),
            "firstTimestamp": .null, "lastTimestamp": .null, "type": .string("Normal"), "eventTime": .string(Clock.micro()),
            "action": .string("Binding"), "reportingComponent": .string("default-scheduler"),
            "reportingInstance": .string("default-scheduler-localhost"),
        ]))
    }

    /// A kubelet event about the pod's container; a repeat of the same reason and message bumps `count`.
    func kubelet(_ pod: JSON, container: String, reason: String, message: String, warning: Bool = false) {
        let namespace = pod["metadata"]?["namespace"]?.string ?? ""
        let uid = pod["metadata"]?["uid"]?.string
        let now = Clock.seconds()
        let existing = cluster.list(.events, namespace: namespace).first {
            $0["involvedObject"]?["uid"]?.string == uid && $0["reason"]?.string == reason && $0["message"]?.string == message
        }
        if let existing, let name = existing["metadata"]?["name"]?.string {
            cluster.modify(.events, namespace, name) { event in
                event["count"] = .int((event["count"]?.int ?? 1) + 1)
                event["lastTimestamp"] = .string(now)
                return true
            }
            return
        }
        cluster.create(.events, .obj([
            "kind": .string("Event"), "apiVersion": .string("v1"), "metadata": Self.metadata(pod),
            "involvedObject": Self.involved(pod, container: container), "reason": .string(reason), "message": .string(message),
            "source": .obj(["component": .string("kubelet"), "host": .string("localhost")]),
            "firstTimestamp": .string(now), "lastTimestamp": .string(now), "count": .int(1),
            "type": .string(warning ? "Warning" : "Normal"), "eventTime": .null,
            "reportingComponent": .string(""), "reportingInstance": .string(""),
        ]))
    }
}
