import Foundation

/// A Secret: named bytes, sent as base64 `data`.
public struct Secret: KubernetesResource, Equatable {
    public static let apiVersion = "v1"
    public static let kind = "Secret"
    public static let plural = "secrets"

    /// Set on what K8sVM sends; list items come without it.
    public var apiVersion: String? = Secret.apiVersion
    public var kind: String? = Secret.kind
    public var metadata: ObjectMeta
    public var type: String?
    /// File name → contents; JSON carries them base64-encoded, as `Data` is.
    public var data: [String: Data]?
    public var immutable: Bool?

    public init(metadata: ObjectMeta, data: [String: Data], type: String = "Opaque") {
        self.metadata = metadata
        self.data = data
        self.type = type
    }
}
