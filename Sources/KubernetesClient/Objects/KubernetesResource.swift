/// A kind of Kubernetes object and where the API serves it.
public protocol KubernetesResource: Codable, Sendable {
    /// `v1` for the core group, `group/version` otherwise.
    static var apiVersion: String { get }
    static var kind: String { get }
    /// The plural resource name in URLs: `pods`, `secrets`, `jobs`.
    static var plural: String { get }
    var metadata: ObjectMeta { get }
}

extension KubernetesResource {
    /// The path prefix of this resource's group and version: `/api/v1` or `/apis/batch/v1`.
    static var groupVersionPath: String {
        apiVersion.contains("/") ? "/apis/\(apiVersion)" : "/api/\(apiVersion)"
    }

    /// `/api/v1/namespaces/NS/pods`, or that with `/NAME`.
    static func path(namespace: String, name: String? = nil) -> String {
        var path = "\(groupVersionPath)/namespaces/\(namespace)/\(plural)"
        if let name { path += "/\(name)" }
        return path
    }
}

/// A page of objects of one kind.
public struct ObjectList<Item: KubernetesResource>: Codable, Sendable {
    public var metadata: ListMeta
    public var items: [Item]
}
