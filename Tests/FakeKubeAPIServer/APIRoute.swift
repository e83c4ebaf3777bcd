/// A parsed API path: `/api/v1/namespaces/NS/pods/NAME/log`, `/apis/batch/v1/namespaces/NS/jobs`,
/// `/api/v1/pods` (all namespaces) or `/apis/authorization.k8s.io/v1/selfsubjectaccessreviews`.
struct APIRoute: Sendable {
    let resource: Resource
    let namespace: String?
    let name: String?
    let subresource: String?

    init?(path: String) {
        var parts = path.split(separator: "/").map(String.init)
        if parts.first == "api", parts.count >= 2, parts[1] == "v1" {
            parts.removeFirst(2)
        } else if parts.first == "apis", parts.count >= 3 {
            let groupVersion = "\(parts[1])/\(parts[2])"
            parts.removeFirst(3)
            if groupVersion == "authorization.k8s.io/v1", parts == ["selfsubjectaccessreviews"] {
                self.init(resource: .selfSubjectAccessReviews, namespace: nil, name: nil, subresource: nil)
                return
            }
            guard groupVersion == "batch/v1" else { return nil }
        } else {
            return nil
        }
        var namespace: String?
        if parts.first == "namespaces", parts.count >= 3 {
            namespace = parts[1]
            parts.removeFirst(2)
        }
        guard let first = parts.first, let resource = Resource.named(first), parts.count <= 3,
              path.hasPrefix("/apis/") == !resource.group.isEmpty else { return nil }
        self.init(resource: resource, namespace: namespace, name: parts.count > 1 ? parts[1] : nil,
                  subresource: parts.count > 2 ? parts[2] : nil)
    }

    private init(resource: Resource, namespace: String?, name: String?, subresource: String?) {
        self.resource = resource
        self.namespace = namespace
        self.name = name
        self.subresource = subresource
    }
}
