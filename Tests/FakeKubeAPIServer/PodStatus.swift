import Foundation

/// Builds the `status` a v1.26 kubelet writes at each step of a pod's life, field for field as in
/// pod-success/02 and pod-exit-3/02 (README item 14). Addresses are 127.0.0.1 here (the recordings show the VM's).
struct PodStatus: Sendable {
    let containerName: String
    let image: String
    let qosClass: String
    let startTime: String
    var conditionTimes: [String: String] = [:]

    /// A pod condition; `lastProbeTime` is always null.
    private func condition(_ type: String, _ status: Bool, reason: String? = nil, message: String? = nil) -> JSON {
        .obj(["type": .string(type), "status": .string(status ? "True" : "False"), "lastProbeTime": .null,
              "lastTransitionTime": .string(conditionTimes[type] ?? startTime), "reason": reason.map(JSON.string),
              "message": message.map(JSON.string)])
    }

    /// Step 1: scheduled (`status` keys only phase, conditions, qosClass).
    func scheduled() -> JSON {
        .obj(["phase": .string("Pending"), "conditions": .array([condition("PodScheduled", true)]), "qosClass": .string(qosClass)])
    }

    private func full(phase: String, conditions: [JSON], state: JSON, ready: Bool, started: Bool, imageID: String,
                      containerID: String?) -> JSON {
        .obj([
            "phase": .string(phase), "conditions": .array(conditions),
            "hostIP": .string("127.0.0.1"), "podIP": .string("127.0.0.1"), "podIPs": .array([.obj(["ip": .string("127.0.0.1")])]),
            "startTime": .string(startTime),
            "containerStatuses": .array([.obj([
                "name": .string(containerName), "state": state, "lastState": .object([]), "ready": .bool(ready),
                "restartCount": .int(0), "image": .string(image), "imageID": .string(imageID),
                "containerID": containerID.map(JSON.string), "started": .bool(started),
            ])]),
            "qosClass": .string(qosClass),
        ])
    }

    private var notReady: [JSON] {
        let message = "containers with unready status: [\(containerName)]"
        return [condition("Initialized", true),
                condition("Ready", false, reason: "ContainersNotReady", message: message),
                condition("ContainersReady", false, reason: "ContainersNotReady", message: message),
                condition("PodScheduled", true)]
    }

    /// Step 2, and the image-pull failures (pod-image-missing/02): waiting with a reason and maybe a message.
    func waiting(reason: String, message: String? = nil) -> JSON {
        full(phase: "Pending", conditions: notReady,
             state: .obj(["waiting": .obj(["reason": .string(reason), "message": message.map(JSON.string)])]),
             ready: false, started: false, imageID: "", containerID: nil)
    }

    var imageID: String {
        let repository = image.split(separator: "@").first.map { String($0) } ?? image
        let name = repository.range(of: ":[^/:]+$", options: .regularExpression).map { String(repository[..<$0.lowerBound]) } ?? repository
        return name + "@sha256:" + String(repeating: "0", count: 64)
    }

    /// Step 3: running and ready.
    func running(startedAt: String, containerID: String) -> JSON {
        full(phase: "Running",
             conditions: [condition("Initialized", true), condition("Ready", true), condition("ContainersReady", true),
                          condition("PodScheduled", true)],
             state: .obj(["running": .obj(["startedAt": .string(startedAt)])]),
             ready: true, started: true, imageID: imageID, containerID: containerID)
    }

    /// Step 4/5: terminated; the phase stays Running until the kubelet's next sync (README item 14).
    func terminated(phase: String, exitCode: Int32, reason: String, message: String?, startedAt: String,
                    finishedAt: String, containerID: String) -> JSON {
        let podReason = exitCode == 0 ? "PodCompleted" : "PodFailed"
        return full(phase: phase,
                    conditions: [condition("Initialized", true, reason: exitCode == 0 ? "PodCompleted" : nil),
                                 condition("Ready", false, reason: podReason), condition("ContainersReady", false, reason: podReason),
                                 condition("PodScheduled", true)],
                    state: .obj(["terminated": .obj([
                        "exitCode": .int(Int(exitCode)), "reason": .string(reason), "message": message.map(JSON.string),
                        "startedAt": .string(startedAt), "finishedAt": .string(finishedAt), "containerID": .string(containerID),
                    ])]),
                    ready: false, started: false, imageID: imageID, containerID: containerID)
    }
}
