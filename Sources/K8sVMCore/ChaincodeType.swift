/// The kind of chaincode a package carries, from `metadata.json` `type` (matched case-insensitively).
public enum ChaincodeType: String, CaseIterable, Sendable, Codable {
    /// Go source, built with `go build`.
    case golang
    /// Node.js source.
    case node
    /// Java source.
    case java
    /// A prebuilt executable.
    case binary
    /// A prebuilt container image named by `image.json` (`type: image` or fabric-builder-k8s' `type: k8s`).
    case image

    /// Parses a `metadata.json` type name; `k8s` is an alias of `image`.
    public init?(metadataType: String) {
        let lowered = metadataType.lowercased()
        if lowered == "k8s" {
            self = .image
        } else if let known = ChaincodeType(rawValue: lowered) {
            self = known
        } else {
            return nil
        }
    }

    /// Whether the package holds source code that must be compiled.
    public var isSource: Bool {
        switch self {
        case .golang, .node, .java: true
        case .binary, .image: false
        }
    }

    /// The type names accepted in `metadata.json`, for error messages and help.
    public static let acceptedNames = ["golang", "node", "java", "binary", "image", "k8s"]
}
