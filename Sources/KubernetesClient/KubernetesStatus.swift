/// The `Status` object the API server sends with every error (and with some successful deletions).
public struct KubernetesStatus: Codable, Sendable, Equatable {
    /// One reason a request was invalid, for `reason: Invalid` (422).
    public struct Cause: Codable, Sendable, Equatable {
        public var reason: String?
        public var message: String?
        public var field: String?
    }

    /// What the status is about.
    public struct Details: Codable, Sendable, Equatable {
        public var name: String?
        public var group: String?
        public var kind: String?
        public var uid: String?
        public var causes: [Cause]?
        public var retryAfterSeconds: Int?
    }

    public var status: String?
    public var message: String?
    /// `NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, `Expired`, `Gone`, `Forbidden`, `Unauthorized`, …
    public var reason: String?
    public var details: Details?
    public var code: Int?
}
