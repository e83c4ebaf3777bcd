/// Asks the API server whether the current credentials may do one thing (`k8svm doctor`).
public struct SelfSubjectAccessReview: Codable, Sendable {
    /// The action asked about.
    public struct ResourceAttributes: Codable, Sendable, Equatable {
        public var namespace: String?
        public var verb: String
        public var group: String?
        public var resource: String
        public var subresource: String?

        public init(namespace: String?, verb: String, group: String? = nil, resource: String, subresource: String? = nil) {
            self.namespace = namespace
            self.verb = verb
            self.group = group
            self.resource = resource
            self.subresource = subresource
        }
    }

    /// The question.
    public struct Spec: Codable, Sendable {
        public var resourceAttributes: ResourceAttributes
    }

    /// The answer: `allowed`, and the authorizer's reason when there is one.
    public struct Status: Codable, Sendable {
        public var allowed: Bool
        public var denied: Bool?
        public var reason: String?
    }

    public var apiVersion = "authorization.k8s.io/v1"
    public var kind = "SelfSubjectAccessReview"
    public var spec: Spec
    public var status: Status?

    public init(_ attributes: ResourceAttributes) {
        spec = Spec(resourceAttributes: attributes)
    }
}
