import Foundation
import K8sVMCore
import KubernetesClient
import Yams

/// An operator's additions to every chaincode Pod, from the YAML file `kubernetes.podTemplate` names:
///
/// ```yaml
/// metadata:
///   labels: {team: ledger}            # added (K8sVM's own labels and annotations cannot be replaced)
///   annotations: {...}
/// spec:
///   nodeSelector: {...}               # set
///   tolerations: [...]
///   affinity: {...}
///   serviceAccountName: chaincode
///   imagePullSecrets: [{name: registry}]
///   hostNetwork: true
///   dnsPolicy: ClusterFirstWithHostNet
///   priorityClassName: ...
///   volumes: [...]                    # added
///   containers:
///     - name: chaincode
///       resources: {...}              # replaces the configured requests and limits
///       env: [...]                    # added (the shim's variables cannot be replaced)
///       volumeMounts: [...]           # added
/// ```
///
/// Anything else is an error naming the key: a template cannot undo the Pod's hardening.
public struct PodTemplate: Sendable, Equatable {
    let metadata: [String: JSONValue]
    let spec: [String: JSONValue]
    let container: [String: JSONValue]

    static let metadataKeys: Set<String> = ["labels", "annotations"]
    static let specKeys: Set<String> = ["nodeSelector", "tolerations", "affinity", "serviceAccountName", "imagePullSecrets",
                                        "hostNetwork", "dnsPolicy", "priorityClassName", "volumes", "containers"]
    static let containerKeys: Set<String> = ["name", "resources", "env", "volumeMounts"]

    /// Reads and checks the template file.
    public static func load(file: String) throws -> PodTemplate {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw K8sVMError("kubernetes.podTemplate: cannot read \(file)")
        }
        return try parse(String(decoding: data, as: UTF8.self), source: file)
    }

    static func parse(_ text: String, source: String) throws -> PodTemplate {
        let document: Any?
        do {
            document = try Yams.load(yaml: text)
        } catch {
            throw K8sVMError("pod template \(source): not valid YAML: \(error)", cause: error)
        }
        guard let root = try JSONValue(yaml: document ?? [String: Any](), source: source).objectValue else {
            throw K8sVMError("pod template \(source): the top level must be a mapping with metadata and spec")
        }
        try check(root, allowed: ["metadata", "spec", "apiVersion", "kind"], at: "", source: source)
        let metadata = try mapping(root["metadata"], at: "metadata", source: source)
        try check(metadata, allowed: metadataKeys, at: "metadata.", source: source)
        let spec = try mapping(root["spec"], at: "spec", source: source)
        try check(spec, allowed: specKeys, at: "spec.", source: source)
        var container: [String: JSONValue] = [:]
        if let containers = spec["containers"] {
            guard let list = containers.arrayValue, list.count == 1 else {
                throw K8sVMError("pod template \(source): spec.containers must hold exactly one entry, the chaincode container")
            }
            container = try mapping(list[0], at: "spec.containers[0]", source: source)
            try check(container, allowed: containerKeys, at: "spec.containers[0].", source: source)
            if let name = container["name"], name != .string(ChaincodePodSpec.containerName) {
                throw K8sVMError("pod template \(source): spec.containers[0].name must be \(ChaincodePodSpec.containerName)")
            }
        }
        return PodTemplate(metadata: metadata, spec: spec.filter { $0.key != "containers" }, container: container)
    }

    /// `pod` as JSON with the template laid over it.
    public func applied(to pod: Pod) throws -> JSONValue {
        guard var root = try JSONValue(encoding: pod).objectValue,
              var podMetadata = root["metadata"]?.objectValue, var podSpec = root["spec"]?.objectValue,
              var containers = podSpec["containers"]?.arrayValue, var chaincode = containers.first?.objectValue
        else { throw K8sVMError("internal error: the chaincode Pod did not encode as an object") }

        for key in ["labels", "annotations"] {
            guard let added = metadata[key]?.objectValue else { continue }
            var existing = podMetadata[key]?.objectValue ?? [:]
            for (name, value) in added {
                if existing[name] != nil {
                    throw K8sVMError("pod template: metadata.\(key).\(name) is set by k8svm and cannot be replaced")
                }
                existing[name] = value
            }
            podMetadata[key] = .object(existing)
        }
        for (key, value) in spec {
            podSpec[key] = key == "volumes" ? .array((podSpec[key]?.arrayValue ?? []) + (value.arrayValue ?? [])) : value
        }
        if let resources = container["resources"] { chaincode["resources"] = resources }
        for key in ["env", "volumeMounts"] {
            guard let added = container[key]?.arrayValue else { continue }
            let existing = chaincode[key]?.arrayValue ?? []
            if key == "env" {
                let taken = Set(existing.compactMap { $0.objectValue?["name"]?.stringValue })
                if let clash = added.compactMap({ $0.objectValue?["name"]?.stringValue }).first(where: taken.contains) {
                    throw K8sVMError("pod template: spec.containers[0].env \(clash) is set by k8svm and cannot be replaced")
                }
            }
            chaincode[key] = .array(existing + added)
        }
        containers[0] = .object(chaincode)
        podSpec["containers"] = .array(containers)
        root["metadata"] = .object(podMetadata)
        root["spec"] = .object(podSpec)
        return .object(root)
    }

    private static func mapping(_ value: JSONValue?, at path: String, source: String) throws -> [String: JSONValue] {
        guard let value else { return [:] }
        guard let members = value.objectValue else { throw K8sVMError("pod template \(source): \(path) must be a mapping") }
        return members
    }

    private static func check(_ members: [String: JSONValue], allowed: Set<String>, at path: String, source: String) throws {
        if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw K8sVMError("pod template \(source): \(path)\(unknown) is not something a template may set (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
    }
}

extension JSONValue {
    /// A value Yams loaded, as JSON.
    init(yaml value: Any, source: String) throws {
        switch value {
        case is NSNull: self = .null
        case let bool as Bool: self = .bool(bool)
        case let int as Int: self = .integer(Int64(int))
        case let double as Double: self = .number(double)
        case let string as String: self = .string(string)
        case let array as [Any]: self = .array(try array.map { try JSONValue(yaml: $0, source: source) })
        case let dictionary as [String: Any]: self = .object(try dictionary.mapValues { try JSONValue(yaml: $0, source: source) })
        default: throw K8sVMError("pod template \(source): a value of type \(type(of: value)) cannot be sent to Kubernetes")
        }
    }
}
