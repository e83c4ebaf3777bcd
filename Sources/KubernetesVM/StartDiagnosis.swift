import KubernetesClient

/// Why a chaincode Pod did not start, for an operator reading the peer's log: the Pod's own reason, then the
/// warnings among its Events (scheduler, kubelet), newest last.
struct StartDiagnosis {
    let client: KubernetesClient
    let namespace: String
    let pod: String

    func lines(reason: String) async -> [String] {
        var lines = ["chaincode pod \(pod) did not start: \(reason)"]
        let events = (try? await client.list(Event.self, namespace: namespace,
                                             fieldSelector: "involvedObject.name=\(pod)").items) ?? []
        let relevant = events.filter { $0.type == "Warning" }
        for event in relevant.sorted(by: { ($0.lastTimestamp ?? $0.eventTime ?? "") < ($1.lastTimestamp ?? $1.eventTime ?? "") }) {
            let count = (event.count ?? 1) > 1 ? " (×\(event.count!))" : ""
            lines.append("  event \(event.reason ?? "?")\(count): \(event.message ?? "")")
        }
        return lines
    }
}
