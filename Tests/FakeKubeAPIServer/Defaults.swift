import Foundation

/// The fields kube-apiserver v1.26 fills in on create (README items 13, 20, 21).
enum Defaults {
    /// `generateName` suffix characters (apiserver's `utilrand.String`).
    private static let suffixAlphabet = Array("bcdfghjklmnpqrstvwxz2456789")

    static func generatedName(_ prefix: String) -> String {
        prefix + String((0..<5).map { _ in suffixAlphabet.randomElement()! })
    }

    /// Server-set metadata, in ObjectMeta's field order: name, generateName, namespace, uid, resourceVersion,
    /// generation, creationTimestamp, then the client's labels, annotations, ownerReferences, finalizers.
    static func metadata(_ metadata: JSON?, namespace: String, generation: Bool) -> JSON {
        let given = metadata ?? .object([])
        var name = given["name"]?.string ?? ""
        if name.isEmpty, let prefix = given["generateName"]?.string, !prefix.isEmpty { name = generatedName(prefix) }
        var result = JSON.obj([
            "name": .string(name), "generateName": given["generateName"], "namespace": .string(namespace),
            "uid": .string(UUID().uuidString.lowercased()), "resourceVersion": .string("0"),
            "generation": generation ? .int(1) : nil, "creationTimestamp": .string(Clock.seconds()),
        ])
        for key in ["labels", "annotations", "ownerReferences", "finalizers"] { if let value = given[key] { result[key] = value } }
        return result
    }

    /// A container's defaults (pod-success/01).
    private static func container(_ container: JSON) -> JSON {
        var result = container
        if result["resources"] == nil { result.insert("resources", .object([]), after: ["name", "image", "command", "args", "workingDir", "ports", "envFrom", "env"]) }
        if result["terminationMessagePath"] == nil {
            result.insert("terminationMessagePath", .string("/dev/termination-log"),
                          after: ["resources", "volumeMounts", "volumeDevices", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle"])
        }
        if result["terminationMessagePolicy"] == nil {
            result.insert("terminationMessagePolicy", .string("File"), after: ["terminationMessagePath"])
        }
        if result["imagePullPolicy"] == nil {
            let image = result["image"]?.string ?? ""
            let tagged = image.split(separator: "/").last.map { $0.contains(":") || $0.contains("@") } ?? false
            let always = !tagged || image.hasSuffix(":latest")
            result.insert("imagePullPolicy", .string(always ? "Always" : "IfNotPresent"), after: ["terminationMessagePolicy"])
        }
        return result
    }

    /// PodSpec defaults; `admission` adds what only Pod creation gets (service account, tolerations, priority),
    /// which a Job's template does not show (job-success/01).
    static func podSpec(_ spec: JSON?, admission: Bool) -> JSON {
        var result = spec ?? .object([])
        if var volumes = result["volumes"]?.array {
            for index in volumes.indices where volumes[index]["secret"] != nil && volumes[index]["secret"]?["defaultMode"] == nil {
                volumes[index]["secret"]?["defaultMode"] = .int(420)
            }
            result["volumes"] = .array(volumes)
        }
        for key in ["initContainers", "containers"] {
            if let containers = result[key]?.array { result[key] = .array(containers.map(container)) }
        }
        let set: [(String, JSON, [String])] = [
            ("restartPolicy", .string("Always"), ["containers", "initContainers", "volumes"]),
            ("terminationGracePeriodSeconds", .int(30), ["restartPolicy"]),
            ("dnsPolicy", .string("ClusterFirst"), ["activeDeadlineSeconds", "terminationGracePeriodSeconds"]),
        ]
        for (key, value, after) in set where result[key] == nil { result.insert(key, value, after: after) }
        if admission {
            let account = result["serviceAccountName"] ?? .string("default")
            result.insert("serviceAccountName", account, after: ["nodeSelector", "dnsPolicy"])
            result.insert("serviceAccount", account, after: ["serviceAccountName"])
        }
        if result["securityContext"] == nil { result.insert("securityContext", .object([]), after: ["hostIPC", "hostPID", "hostNetwork", "shareProcessNamespace", "nodeName", "automountServiceAccountToken", "serviceAccount"]) }
        if result["schedulerName"] == nil { result.insert("schedulerName", .string("default-scheduler"), after: ["affinity", "subdomain", "hostname", "imagePullSecrets", "securityContext"]) }
        if admission {
            let tolerations = ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"].map { key in
                JSON.obj(["key": .string(key), "operator": .string("Exists"), "effect": .string("NoExecute"), "tolerationSeconds": .int(300)])
            }
            result.insert("tolerations", .array((result["tolerations"]?.array ?? []) + tolerations), after: ["schedulerName"])
            if result["priority"] == nil { result.insert("priority", .int(0), after: ["priorityClassName", "dnsConfig", "hostAliases", "tolerations"]) }
            if result["enableServiceLinks"] == nil { result.insert("enableServiceLinks", .bool(true), after: ["readinessGates", "runtimeClassName", "dnsConfig", "priority"]) }
            if result["preemptionPolicy"] == nil { result.insert("preemptionPolicy", .string("PreemptLowerPriority"), after: ["enableServiceLinks"]) }
        }
        return result
    }

    /// `BestEffort`, or `Burstable`/`Guaranteed` from the containers' requests and limits (README item 13).
    static func qosClass(_ spec: JSON) -> String {
        let resources = (spec["containers"]?.array ?? []).map { $0["resources"] ?? .object([]) }
        let any = resources.contains { !($0["limits"]?.keys.isEmpty ?? true) || !($0["requests"]?.keys.isEmpty ?? true) }
        guard any else { return "BestEffort" }
        let guaranteed = resources.allSatisfy { resource in
            let limits = resource["limits"]?.stringMap ?? [:]
            let requests = resource["requests"]?.stringMap ?? limits
            return limits["cpu"] != nil && limits["memory"] != nil && requests["cpu"] == limits["cpu"] && requests["memory"] == limits["memory"]
        }
        return guaranteed ? "Guaranteed" : "Burstable"
    }

    static func pod(_ body: JSON, namespace: String) -> JSON {
        let spec = podSpec(body["spec"], admission: true)
        return .obj([
            "kind": .string("Pod"), "apiVersion": .string("v1"),
            "metadata": metadata(body["metadata"], namespace: namespace, generation: false),
            "spec": spec,
            "status": .obj(["phase": .string("Pending"), "qosClass": .string(qosClass(spec))]),
        ])
    }

    /// `stringData` merged into base64 `data`, not echoed; `type: Opaque` (pod-success/03).
    static func secret(_ body: JSON, namespace: String) -> JSON {
        var data = body["data"]?.members ?? []
        for member in body["stringData"]?.members ?? [] {
            let encoded = JSON.string(Data((member.value.string ?? "").utf8).base64EncodedString())
            if let index = data.firstIndex(where: { $0.key == member.key }) { data[index].value = encoded }
            else { data.append(.init(key: member.key, value: encoded)) }
        }
        data.sort { $0.key < $1.key }
        return .obj([
            "kind": .string("Secret"), "apiVersion": .string("v1"),
            "metadata": metadata(body["metadata"], namespace: namespace, generation: false),
            "immutable": body["immutable"],
            "data": data.isEmpty ? nil : .object(data),
            "type": body["type"] ?? .string("Opaque"),
        ])
    }

    /// Job defaults (README item 21, job-success/01).
    static func job(_ body: JSON, namespace: String) -> JSON {
        var metadata = metadata(body["metadata"], namespace: namespace, generation: true)
        let uid = metadata["uid"]?.string ?? ""
        let name = metadata["name"]?.string ?? ""
        var annotations = metadata["annotations"] ?? .object([])
        annotations["batch.kubernetes.io/job-tracking"] = .string("")
        metadata.insert("annotations", annotations, after: ["labels", "creationTimestamp"])
        let given = body["spec"] ?? .object([])
        var template = given["template"] ?? .object([])
        var templateMetadata = template["metadata"] ?? .object([])
        var labels = templateMetadata["labels"]?.members ?? []
        labels.removeAll { $0.key == "controller-uid" || $0.key == "job-name" }
        labels += [.init(key: "controller-uid", value: .string(uid)), .init(key: "job-name", value: .string(name))]
        labels.sort { $0.key < $1.key }
        templateMetadata["creationTimestamp"] = .null
        templateMetadata["labels"] = .object(labels)
        template = .obj(["metadata": templateMetadata, "spec": podSpec(template["spec"], admission: false)])
        var spec = JSON.obj([
            "parallelism": given["parallelism"] ?? .int(1), "completions": given["completions"] ?? .int(1),
            "activeDeadlineSeconds": given["activeDeadlineSeconds"], "backoffLimit": given["backoffLimit"] ?? .int(6),
            "selector": given["selector"] ?? .obj(["matchLabels": .obj(["controller-uid": .string(uid)])]),
            "manualSelector": given["manualSelector"], "template": template,
            "ttlSecondsAfterFinished": given["ttlSecondsAfterFinished"],
            "completionMode": given["completionMode"] ?? .string("NonIndexed"), "suspend": given["suspend"] ?? .bool(false),
        ])
        if let policy = given["podFailurePolicy"] { spec["podFailurePolicy"] = policy }
        return .obj(["kind": .string("Job"), "apiVersion": .string("batch/v1"), "metadata": metadata, "spec": spec,
                     "status": .object([])])
    }
}
