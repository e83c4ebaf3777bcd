import Foundation
import Synchronization

/// The REST layer: decodes, validates and defaults bodies, and answers create/get/list/update/delete/watch/log
/// the way the recordings show. Lifecycle work is left to the ``Kubelet`` and the ``JobController``.
final class API: Sendable {
    let cluster: Cluster
    let kubelet: Kubelet
    let jobs: JobController
    let clock: Clock
    private let denied = Mutex<Set<String>>([])
    private let nextStreamID = Atomic<Int>(1)

    /// Namespaces that do not exist (errors/04 used `no-such-namespace`).
    static let missingNamespaces: Set<String> = ["missing", "no-such-namespace"]

    init(cluster: Cluster, kubelet: Kubelet, jobs: JobController, clock: Clock) {
        self.cluster = cluster
        self.kubelet = kubelet
        self.jobs = jobs
        self.clock = clock
    }

    func newStreamID() -> Int { nextStreamID.wrappingAdd(1, ordering: .relaxed).oldValue }

    func deny(verb: String, resource: String) { _ = denied.withLock { $0.insert("\(verb) \(resource)") } }

    func handle(_ request: HTTPRequest) -> Reply {
        if let discovery = Discovery.reply(for: request.path), request.method == "GET" { return discovery }
        guard let route = APIRoute(path: request.path) else {
            return .failure(APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource",
                                     details: .obj(["causes": .array([.obj(["reason": .string("UnexpectedServerResponse"),
                                                                           "message": .string("404 page not found")])])])))
        }
        if let namespace = route.namespace, Self.missingNamespaces.contains(namespace) {
            return .failure(.notFound(Resource(group: "", version: "v1", name: "namespaces", kind: "Namespace",
                                               schemaFile: "", schemaName: ""), namespace))
        }
        let parameters = request.parameters
        do throws(APIError) {
            switch (request.method, route.name, route.subresource) {
            case ("POST", nil, nil) where route.resource == .selfSubjectAccessReviews:
                return try accessReview(request)
            case ("POST", nil, nil):
                return try create(route, request, parameters)
            case ("GET", nil, nil) where parameters["watch"] == "1" || parameters["watch"] == "true":
                return try watch(route, parameters)
            case ("GET", nil, nil):
                return try list(route, parameters)
            case ("GET", let name?, nil):
                guard let object = cluster.get(route.resource, route.namespace ?? "", name) else {
                    throw .notFound(route.resource, name)
                }
                return .ok(object)
            case ("GET", let name?, "log") where route.resource == .pods:
                return try kubelet.logs(namespace: route.namespace ?? "", pod: name, parameters)
            case ("PUT", let name?, nil):
                return try replace(route, name, request)
            case ("DELETE", let name?, nil):
                return try delete(route, name, parameters)
            default:
                throw APIError(code: 405, reason: "MethodNotAllowed",
                               message: "the server does not allow this method on the requested resource")
            }
        } catch {
            return .failure(error)
        }
    }

    /// Decodes and schema-checks a body (errors/12–15); returns the object and the 422 causes found so far.
    private func decode(_ request: HTTPRequest, as resource: Resource) throws(APIError) -> (JSON, [InvalidCause]) {
        let contentType = request.headers.first(name: "Content-Type") ?? ""
        guard contentType.hasPrefix("application/json") || contentType.isEmpty else { throw .unsupportedMediaType }
        let parsed: (value: JSON, duplicates: [String])
        do {
            parsed = try JSONParser.parse(request.body)
        } catch {
            let excerpt = String(decoding: request.body.prefix(30), as: UTF8.self)
            var failure = APIError.badRequest("the object provided is unrecognized (must be of type \(resource.kind)): couldn't get version/kind; json parse error: \(error.message) (\(excerpt) ...)")
            failure.isRejectedObject = true
            throw failure
        }
        if let duplicate = parsed.duplicates.first {
            throw .undecodable(kind: resource.kind, version: resource.version, "strict decoding error: duplicate field \"\(duplicate)\"")
        }
        guard case .object = parsed.value else {
            throw .undecodable(kind: resource.kind, version: resource.version, "json: cannot unmarshal \(parsed.value.text.prefix(10)) into Go value of type struct")
        }
        return (parsed.value, try SchemaValidator.validate(parsed.value, as: resource))
    }

    private func create(_ route: APIRoute, _ request: HTTPRequest, _ parameters: [String: String]) throws(APIError) -> Reply {
        let resource = route.resource
        guard resource != .events else {
            throw APIError(code: 405, reason: "MethodNotAllowed", message: "the fake serves events read-only")
        }
        let namespace = route.namespace ?? ""
        var (body, causes) = try decode(request, as: resource)
        let object: JSON
        switch resource {
        case .pods:
            object = Defaults.pod(body, namespace: namespace)
            causes += ObjectValidator.podSpec(object["spec"], path: "spec")
        case .secrets:
            causes += ObjectValidator.secret(body)
            object = Defaults.secret(body, namespace: namespace)
        default:
            body["metadata"] = body["metadata"] ?? .object([])
            object = Defaults.job(body, namespace: namespace)
            causes += ObjectValidator.metadata(object["spec"]?["template"]?["metadata"], path: "spec.template.metadata", checkName: false)
            causes += ObjectValidator.podSpec(object["spec"]?["template"]?["spec"], path: "spec.template.spec",
                                              restartPolicies: ["OnFailure", "Never"])
        }
        let name = object["metadata"]?["name"]?.string ?? ""
        causes = ObjectValidator.metadata(object["metadata"]) + causes
        if !causes.isEmpty { throw .invalid(kind: resource.kind, name: name, causes: causes) }
        if parameters["dryRun"] == "All" { return .json(status: 201, body: object, headers: []) }
        guard let created = cluster.create(resource, object) else { throw .alreadyExists(resource, name) }
        switch resource {
        case .pods: kubelet.start(pod: created)
        case .jobs: jobs.start(job: created)
        default: break
        }
        return .json(status: 201, body: created, headers: [])
    }

    /// PUT with optimistic concurrency (errors/18, errors/19).
    private func replace(_ route: APIRoute, _ name: String, _ request: HTTPRequest) throws(APIError) -> Reply {
        let resource = route.resource
        let namespace = route.namespace ?? ""
        let (body, causes) = try decode(request, as: resource)
        if !causes.isEmpty { throw .invalid(kind: resource.kind, name: name, causes: causes) }
        let updated = try cluster.update(resource, namespace, name) { (current: inout JSON) throws(APIError) -> Bool in
            let expected = body["metadata"]?["resourceVersion"]?.string
            if let expected, !expected.isEmpty, expected != current["metadata"]?["resourceVersion"]?.string {
                throw .conflict(resource, name)
            }
            let replacement = resource == .secrets ? Defaults.secret(body, namespace: namespace) : body
            for member in replacement.members ?? [] where member.key != "metadata" && member.key != "status" {
                current[member.key] = member.value
            }
            if resource == .secrets && replacement["data"] == nil { current["data"] = nil }
            for key in ["labels", "annotations", "ownerReferences", "finalizers"] {
                current["metadata"]?[key] = body["metadata"]?[key]
            }
            return true
        }
        guard let updated else { throw .notFound(resource, name) }
        return .ok(updated)
    }

    /// LIST with selectors and `limit`/`continue` (errors/27–30, pod-success/08).
    private func list(_ route: APIRoute, _ parameters: [String: String]) throws(APIError) -> Reply {
        let selector = try Selector(labelSelector: parameters["labelSelector"], fieldSelector: parameters["fieldSelector"],
                                    resource: route.resource)
        if parameters["resourceVersionMatch"] == "Exact", let rv = parameters["resourceVersion"].flatMap(Int.init),
           rv < cluster.oldestWatchable {
            throw .listTooOld
        }
        var listRV = cluster.resourceVersion
        var items = cluster.list(route.resource, namespace: route.namespace).filter(selector.matches)
        if let token = parameters["continue"], !token.isEmpty {
            guard let (rv, start) = ContinueToken.decode(token) else { throw .badRequest("continue key is not valid") }
            if rv < cluster.oldestWatchable { throw .continueTooOld(freshContinue: ContinueToken.encode(rv: -1, start: start)) }
            listRV = rv
            items = items.filter { ($0["metadata"]?["name"]?.string ?? "") >= start }
        }
        var metadata = JSON.obj(["resourceVersion": .string(String(listRV))])
        if let limit = parameters["limit"].flatMap(Int.init), limit > 0, items.count > limit {
            let last = items[limit - 1]["metadata"]?["name"]?.string ?? ""
            metadata["continue"] = .string(ContinueToken.encode(rv: listRV, start: last + "\u{0}"))
            metadata["remainingItemCount"] = .int(items.count - limit)
            items = Array(items.prefix(limit))
        }
        let listItems = items.map { item -> JSON in
            var item = item
            item["kind"] = nil
            item["apiVersion"] = nil
            return item
        }
        return .ok(.obj(["kind": .string("\(route.resource.kind)List"), "apiVersion": .string(route.resource.apiVersion),
                         "metadata": metadata, "items": .array(listItems)]))
    }

    /// SelfSubjectAccessReview (rbac/07–10): allowed unless ``deny(verb:resource:)`` named the verb and resource.
    private func accessReview(_ request: HTTPRequest) throws(APIError) -> Reply {
        let (body, _) = try decode(request, as: .selfSubjectAccessReviews)
        var attributes = body["spec"]?["resourceAttributes"] ?? .object([])
        attributes = .object((attributes.members ?? []).filter { $0.value != .string("") })
        let verb = attributes["verb"]?.string ?? ""
        var resource = attributes["resource"]?.string ?? ""
        if let sub = attributes["subresource"]?.string { resource += "/\(sub)" }
        let isDenied = denied.withLock { $0.contains("\(verb) \(resource)") }
        return .json(status: 201, body: .obj([
            "kind": .string("SelfSubjectAccessReview"), "apiVersion": .string("authorization.k8s.io/v1"),
            "metadata": .obj(["creationTimestamp": .null]),
            "spec": .obj(["resourceAttributes": attributes]),
            "status": .obj(["allowed": .bool(!isDenied)]),
        ]), headers: [])
    }
}

/// The continue token of a paged list: base64url (no padding) of `{"v":"meta.k8s.io/v1","rv":N,"start":"name\u0000"}`
/// (errors/27).
enum ContinueToken {
    static func encode(rv: Int, start: String) -> String {
        let json = JSON.obj(["v": .string("meta.k8s.io/v1"), "rv": .int(rv), "start": .string(start)]).text
        return Data(json.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ token: String) -> (rv: Int, start: String)? {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let json = try? JSONParser.parse(Array(data)).value,
              let rv = json["rv"]?.int, let start = json["start"]?.string else { return nil }
        return (rv, start)
    }
}
