/// What a Pod's status says about one of its containers: what a chaincode run or a build waits for.
public enum PodProgress: Equatable, Sendable {
    /// Not running yet; the waiting reason, if any (`ContainerCreating`).
    case pending(reason: String?)
    case running
    /// The container ended.
    case terminated(ContainerState.Terminated)
    /// It will not start: the reason and message to show (`ImagePullBackOff`, `CreateContainerConfigError`, …).
    case cannotStart(reason: String, message: String)
    /// The kubelet evicted the Pod, or the Pod failed without the container ever ending.
    case failed(reason: String, message: String)

    /// Waiting reasons that do not clear up by themselves. `ErrImagePull` does (a registry hiccup): the kubelet
    /// retries, and only the following `ImagePullBackOff` means the image really cannot be pulled.
    public static let fatalWaitingReasons: Set<String> = [
        "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull", "CreateContainerConfigError",
        "CreateContainerError", "RunContainerError", "CrashLoopBackOff",
    ]

    public init(_ pod: Pod, container: String) {
        let status = pod.status
        let state = status?.containerStatuses?.first(where: { $0.name == container })?.state
        if let terminated = state?.terminated {
            self = .terminated(terminated)
        } else if status?.phase == "Failed" || status?.phase == "Succeeded" {
            self = .failed(reason: status?.reason ?? "PodFailed", message: status?.message ?? "the Pod ended before its container ran")
        } else if state?.running != nil {
            self = .running
        } else if let waiting = state?.waiting, let reason = waiting.reason, Self.fatalWaitingReasons.contains(reason) {
            self = .cannotStart(reason: reason, message: waiting.message ?? "")
        } else {
            self = .pending(reason: state?.waiting?.reason ?? Self.unscheduledReason(pod))
        }
    }

    /// `Unschedulable` while the scheduler finds no node (it may still find one: the cluster may scale up).
    private static func unscheduledReason(_ pod: Pod) -> String? {
        guard let scheduled = pod.status?.conditions?.first(where: { $0.type == "PodScheduled" }), scheduled.status == "False" else {
            return nil
        }
        return [scheduled.reason, scheduled.message].compactMap { $0 }.joined(separator: ": ")
    }
}
