import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat

extension KubernetesClient {
    /// Creates `object` in `namespace` and returns it as the server stored it (defaults filled in, uid and
    /// resourceVersion set). Unknown fields are refused (`fieldValidation=Strict`), never silently dropped.
    public func create<T: KubernetesResource>(_ object: T, namespace: String) async throws -> T {
        try await create(JSONValue(encoding: object), as: T.self, namespace: namespace)
    }

    /// Creates an object given as JSON (a typed object with an operator's additions laid over it).
    public func create<T: KubernetesResource>(_ object: JSONValue, as type: T.Type, namespace: String) async throws -> T {
        let body = try JSONEncoder().encode(object)
        let reply = try await send(Request(method: .POST, path: T.path(namespace: namespace),
                                           query: [("fieldValidation", "Strict")], body: body))
        return try decode(T.self, reply)
    }

    public func get<T: KubernetesResource>(_ type: T.Type, name: String, namespace: String) async throws -> T {
        try decode(T.self, try await send(Request(method: .GET, path: T.path(namespace: namespace, name: name))))
    }

    /// One page of objects; `labelSelector` and `fieldSelector` as the API takes them (`a=b,c=d`).
    public func list<T: KubernetesResource>(_ type: T.Type, namespace: String, labelSelector: String? = nil,
                                            fieldSelector: String? = nil, limit: Int? = nil,
                                            continue token: String? = nil) async throws -> ObjectList<T> {
        var query: [(String, String)] = []
        if let labelSelector { query.append(("labelSelector", labelSelector)) }
        if let fieldSelector { query.append(("fieldSelector", fieldSelector)) }
        if let limit { query.append(("limit", String(limit))) }
        if let token { query.append(("continue", token)) }
        return try decode(ObjectList<T>.self,
                          try await send(Request(method: .GET, path: T.path(namespace: namespace), query: query)))
    }

    /// How dependents of a deleted object are handled.
    public enum PropagationPolicy: String, Sendable {
        case background = "Background", foreground = "Foreground", orphan = "Orphan"
    }

    /// Deletes an object. A missing object is `KubernetesError.Kind.notFound`.
    public func delete<T: KubernetesResource>(_ type: T.Type, name: String, namespace: String,
                                              gracePeriodSeconds: Int? = nil,
                                              propagationPolicy: PropagationPolicy? = nil) async throws {
        var query: [(String, String)] = []
        if let gracePeriodSeconds { query.append(("gracePeriodSeconds", String(gracePeriodSeconds))) }
        if let propagationPolicy { query.append(("propagationPolicy", propagationPolicy.rawValue)) }
        _ = try await send(Request(method: .DELETE, path: T.path(namespace: namespace, name: name), query: query))
    }

    /// Starts a watch of objects of one kind from `resourceVersion` (nil: the current state as ADDED events
    /// first). The stream ends after `timeoutSeconds`, or when the server closes it.
    public func watch<T: KubernetesResource>(_ type: T.Type, namespace: String, name: String? = nil,
                                             labelSelector: String? = nil, resourceVersion: String?,
                                             timeoutSeconds: Int = 300) async throws -> WatchEvents<T> {
        var query: [(String, String)] = [("watch", "true"), ("allowWatchBookmarks", "true"),
                                         ("timeoutSeconds", String(timeoutSeconds))]
        if let resourceVersion { query.append(("resourceVersion", resourceVersion)) }
        if let name { query.append(("fieldSelector", "metadata.name=\(name)")) }
        if let labelSelector { query.append(("labelSelector", labelSelector)) }
        let response = try await open(Request(method: .GET, path: T.path(namespace: namespace), query: query))
        return WatchEvents(lines: ResponseLines(body: response.body))
    }

    /// The log of one container of a Pod, line by line; with `follow` it goes on until the container ends.
    /// With `timestamps`, each line starts with its RFC 3339 time and a space.
    public func logs(pod: String, namespace: String, container: String, follow: Bool, timestamps: Bool = false,
                     sinceTime: String? = nil) async throws -> ResponseLines {
        var query: [(String, String)] = [("container", container)]
        if follow { query.append(("follow", "true")) }
        if timestamps { query.append(("timestamps", "true")) }
        if let sinceTime { query.append(("sinceTime", sinceTime)) }
        let response = try await open(Request(method: .GET, path: Pod.path(namespace: namespace, name: pod) + "/log", query: query))
        return ResponseLines(body: response.body)
    }

    /// Asks whether these credentials may do one thing.
    public func review(_ attributes: SelfSubjectAccessReview.ResourceAttributes) async throws -> SelfSubjectAccessReview.Status {
        let body = try JSONEncoder().encode(SelfSubjectAccessReview(attributes))
        let reply = try await send(Request(method: .POST, path: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", body: body))
        guard let status = try decode(SelfSubjectAccessReview.self, reply).status else {
            throw KubeConfigError("the API server answered a SelfSubjectAccessReview without a status")
        }
        return status
    }

    /// The server's version (`gitVersion` of `/version`).
    public func serverVersion() async throws -> String {
        struct Version: Decodable { var gitVersion: String }
        return try decode(Version.self, try await send(Request(method: .GET, path: "/version"))).gitVersion
    }

    private func decode<T: Decodable>(_ type: T.Type, _ buffer: ByteBuffer) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(buffer: buffer))
        } catch {
            throw KubeConfigError("the API server sent a \(type) that k8svm cannot read: \(error)")
        }
    }
}
