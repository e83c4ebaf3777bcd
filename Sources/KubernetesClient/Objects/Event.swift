/// A Kubernetes Event about an object: old-style (kubelet: `count`, `lastTimestamp`) or new-style (scheduler:
/// `eventTime`). K8sVM reads them to explain why a Pod did not start.
public struct Event: KubernetesResource, Equatable {
    public static let apiVersion = "v1"
    public static let kind = "Event"
    public static let plural = "events"

    /// The object the event is about.
    public struct InvolvedObject: Codable, Sendable, Equatable {
        public var kind: String?
        public var name: String?
        public var uid: String?
    }

    public var metadata: ObjectMeta
    public var involvedObject: InvolvedObject?
    public var reason: String?
    public var message: String?
    /// `Normal` or `Warning`.
    public var type: String?
    public var count: Int?
    public var lastTimestamp: String?
    public var eventTime: String?
}
