/// A REST resource the fake serves, with what its URLs, Status bodies and schema lookups need.
struct Resource: Sendable, Hashable {
    /// API group, "" for core.
    let group: String
    let version: String
    /// Plural name as in URLs (`pods`).
    let name: String
    let kind: String
    /// OpenAPI file under `Tests/KubernetesFixtures/k8s-openapi` holding the schema, and the schema key.
    let schemaFile: String
    let schemaName: String

    var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    /// `pods`, or `jobs.batch` as in NotFound messages.
    var qualifiedName: String { group.isEmpty ? name : "\(name).\(group)" }

    static let pods = Resource(group: "", version: "v1", name: "pods", kind: "Pod",
                               schemaFile: "api__v1_openapi.json", schemaName: "io.k8s.api.core.v1.Pod")
    static let secrets = Resource(group: "", version: "v1", name: "secrets", kind: "Secret",
                                  schemaFile: "api__v1_openapi.json", schemaName: "io.k8s.api.core.v1.Secret")
    static let events = Resource(group: "", version: "v1", name: "events", kind: "Event",
                                 schemaFile: "api__v1_openapi.json", schemaName: "io.k8s.api.core.v1.Event")
    static let jobs = Resource(group: "batch", version: "v1", name: "jobs", kind: "Job",
                               schemaFile: "apis__batch__v1_openapi.json", schemaName: "io.k8s.api.batch.v1.Job")
    /// Not in any file of `Tests/KubernetesFixtures/k8s-openapi`, so only the generic checks apply.
    static let selfSubjectAccessReviews = Resource(
        group: "authorization.k8s.io", version: "v1", name: "selfsubjectaccessreviews", kind: "SelfSubjectAccessReview",
        schemaFile: "", schemaName: "io.k8s.api.authorization.v1.SelfSubjectAccessReview")

    static let namespaced: [Resource] = [.pods, .secrets, .events, .jobs]

    static func named(_ name: String) -> Resource? { namespaced.first { $0.name == name } }

    /// The empty object Go marshals for this kind, used as a BOOKMARK's object (watch-semantics/03 for Pod).
    func bookmarkObject(resourceVersion: Int) -> JSON {
        var object = JSON.obj([
            "kind": .string(kind), "apiVersion": .string(apiVersion),
            "metadata": .obj(["resourceVersion": .string(String(resourceVersion)), "creationTimestamp": .null]),
        ])
        switch self {
        case .pods:
            object["spec"] = .obj(["containers": .null])
            object["status"] = .object([])
        case .jobs:
            object["spec"] = .obj(["template": .obj(["metadata": .obj(["creationTimestamp": .null]),
                                                     "spec": .obj(["containers": .null])])])
            object["status"] = .object([])
        case .events:
            object["involvedObject"] = .object([])
            object["source"] = .object([])
            object["firstTimestamp"] = .null
            object["lastTimestamp"] = .null
            object["eventTime"] = .null
            object["reportingComponent"] = .string("")
            object["reportingInstance"] = .string("")
        default: break
        }
        return object
    }
}
