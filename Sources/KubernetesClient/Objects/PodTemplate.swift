import Foundation
import Yams

/// An operator's additions to every Pod K8sVM makes of one kind, from a YAML file (`kubernetes.podTemplate` for
/// chaincode Pods, `build.podTemplate` for build Job Pods):
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
///     - name: chaincode               # the one container K8sVM runs (`build` in a build Job)
///       resources: {...}              # replaces the configured requests and limits
///       env: [...]                    # added (K8sVM's variables cannot be replaced)
///       volumeMounts: [...]           # added
/// ```
///
/// Anything else is an error naming the key: a template cannot undo the Pod's hardening (`PodHardening`).
public struct PodTemplate: Sendable, Equatable {
    /// The file the template came from, for messages.
    public let source: String
    let containerName: String
    let metadata: [String: JSONValue]
    let spec: [String: JSONValue]
    let container: [String: JSONValue]

    static let metadataKeys: Set<String> = ["labels", "annotations"]
    static let specKeys: Set<String> = ["nodeSelector", "tolerations", "affinity", "serviceAccountName", "imagePullSecrets",
                                        "hostNetwork", "dnsPolicy", "priorityClassName", "volumes", "containers"]
    static let containerKeys: Set<String> = ["name", "resources", "env", "volumeMounts"]

    /// Reads and checks the template file; `containerName` is the name of the one container it may touch.
    public static func load(file: String, containerName: String) throws(PodTemplateError) -> PodTemplate {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw PodTemplateError("pod template \(file): cannot be read")
        }
        return try parse(String(decoding: data, as: UTF8.self), source: file, containerName: containerName)
    }

    /// Checks a template's text; `source` names it in messages.
    public static func parse(_ text: String, source: String, containerName: String) throws(PodTemplateError) -> PodTemplate {
        let document: Any?
        do {
            document = try Yams.load(yaml: text)
        } catch {
            throw PodTemplateError("pod template \(source): not valid YAML: \(error)")
        }
        guard let root = try JSONValue(yaml: document ?? [String: Any](), source: source).objectValue else {
            throw PodTemplateError("pod template \(source): the top level must be a mapping with metadata and spec")
        }
        try check(root, allowed: ["metadata", "spec", "apiVersion", "kind"], at: "", source: source)
        let metadata = try mapping(root["metadata"], at: "metadata", source: source)
        try check(metadata, allowed: metadataKeys, at: "metadata.", source: source)
        let spec = try mapping(root["spec"], at: "spec", source: source)
        try check(spec, allowed: specKeys, at: "spec.", source: source)
        var container: [String: JSONValue] = [:]
        if let containers = spec["containers"] {
            guard let list = containers.arrayValue, list.count == 1 else {
                throw PodTemplateError("pod template \(source): spec.containers must hold exactly one entry, the \(containerName) container")
            }
            container = try mapping(list[0], at: "spec.containers[0]", source: source)
            try check(container, allowed: containerKeys, at: "spec.containers[0].", source: source)
            if let name = container["name"], name != .string(containerName) {
                throw PodTemplateError("pod template \(source): spec.containers[0].name must be \(containerName)")
            }
        }
        return PodTemplate(source: source, containerName: containerName, metadata: metadata,
                           spec: spec.filter { $0.key != "containers" }, container: container)
    }

    /// `pod` as JSON with the template laid over it.
    public func applied(to pod: Pod) throws(PodTemplateError) -> JSONValue {
        guard var root = try? JSONValue(encoding: pod).objectValue else {
            throw PodTemplateError("internal error: the Pod did not encode as an object")
        }
        root = try laidOver(root)
        return .object(root)
    }

    /// `job` as JSON with the template laid over the Pod it runs (`spec.template`).
    public func applied(to job: Job) throws(PodTemplateError) -> JSONValue {
        guard var root = try? JSONValue(encoding: job).objectValue, var jobSpec = root["spec"]?.objectValue,
              let podTemplate = jobSpec["template"]?.objectValue
        else { throw PodTemplateError("internal error: the Job did not encode as an object") }
        jobSpec["template"] = .object(try laidOver(podTemplate))
        root["spec"] = .object(jobSpec)
        return .object(root)
    }

    /// An object with `metadata` and a Pod `spec` (a Pod, or a Job's Pod template) with the template laid over it.
    private func laidOver(_ object: [String: JSONValue]) throws(PodTemplateError) -> [String: JSONValue] {
        var object = object
        var podMetadata = object["metadata"]?.objectValue ?? [:]
        guard var podSpec = object["spec"]?.objectValue, var containers = podSpec["containers"]?.arrayValue,
              let index = containers.firstIndex(where: { $0.objectValue?["name"] == .string(containerName) }),
              var target = containers[index].objectValue
        else { throw PodTemplateError("internal error: the Pod has no \(containerName) container") }

        for key in ["labels", "annotations"] {
            guard let added = metadata[key]?.objectValue else { continue }
            var existing = podMetadata[key]?.objectValue ?? [:]
            for (name, value) in added {
                if existing[name] != nil {
                    throw PodTemplateError("pod template \(source): metadata.\(key).\(name) is set by k8svm and cannot be replaced")
                }
                existing[name] = value
            }
            podMetadata[key] = .object(existing)
        }
        for (key, value) in spec {
            podSpec[key] = key == "volumes" ? try appending(value, to: podSpec[key], by: "name", at: "spec.volumes") : value
        }
        if let resources = container["resources"] { target["resources"] = resources }
        for (key, identity) in [("env", "name"), ("volumeMounts", "mountPath")] {
            guard let added = container[key] else { continue }
            target[key] = try appending(added, to: target[key], by: identity, at: "spec.containers[0].\(key)")
        }
        containers[index] = .object(target)
        podSpec["containers"] = .array(containers)
        object["metadata"] = .object(podMetadata)
        object["spec"] = .object(podSpec)
        return object
    }

    /// The list `existing` followed by `added`, refused when an entry of `added` has the `identity` of one K8sVM set.
    private func appending(_ added: JSONValue, to existing: JSONValue?, by identity: String,
                           at path: String) throws(PodTemplateError) -> JSONValue {
        let existing = existing?.arrayValue ?? []
        guard let added = added.arrayValue else { throw PodTemplateError("pod template \(source): \(path) must be a list") }
        let taken = Set(existing.compactMap { $0.objectValue?[identity]?.stringValue })
        if let clash = added.compactMap({ $0.objectValue?[identity]?.stringValue }).first(where: taken.contains) {
            throw PodTemplateError("pod template \(source): \(path) \(clash) is set by k8svm and cannot be replaced")
        }
        return .array(existing + added)
    }

    private static func mapping(_ value: JSONValue?, at path: String, source: String) throws(PodTemplateError) -> [String: JSONValue] {
        guard let value else { return [:] }
        guard let members = value.objectValue else { throw PodTemplateError("pod template \(source): \(path) must be a mapping") }
        return members
    }

    private static func check(_ members: [String: JSONValue], allowed: Set<String>, at path: String,
                              source: String) throws(PodTemplateError) {
        if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw PodTemplateError("pod template \(source): \(path)\(unknown) is not something a template may set (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
    }
}

/// A pod template that cannot be read or used; the message names the file and the key.
public struct PodTemplateError: Error, CustomStringConvertible, Equatable {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}

extension JSONValue {
    /// A value Yams loaded, as JSON.
    init(yaml value: Any, source: String) throws(PodTemplateError) {
        switch value {
        case is NSNull: self = .null
        case let bool as Bool: self = .bool(bool)
        case let int as Int: self = .integer(Int64(int))
        case let double as Double: self = .number(double)
        case let string as String: self = .string(string)
        case let array as [Any]:
            var values: [JSONValue] = []
            for element in array { values.append(try JSONValue(yaml: element, source: source)) }
            self = .array(values)
        case let dictionary as [String: Any]:
            var members: [String: JSONValue] = [:]
            for (key, element) in dictionary { members[key] = try JSONValue(yaml: element, source: source) }
            self = .object(members)
        default: throw PodTemplateError("pod template \(source): a value of type \(type(of: value)) cannot be sent to Kubernetes")
        }
    }
}
