import Foundation

/// A multi-platform index: OCI image index or Docker manifest list.
public struct ImageIndex: Codable, Sendable, Equatable {
    public var schemaVersion = 2
    public var mediaType: String?
    public var manifests: [Descriptor]
    public var annotations: [String: String]?

    public init(family: ManifestFamily, manifests: [Descriptor]) {
        mediaType = family.index
        self.manifests = manifests
    }

    /// The canonical bytes K8sVM pushes.
    public func encoded() throws -> Data {
        try CanonicalJSON.encoder.encode(self)
    }

    /// The entry for `platform` (variant ignored), if any.
    public func manifest(for platform: Descriptor.Platform) -> Descriptor? {
        manifests.first { $0.platform?.os == platform.os && $0.platform?.architecture == platform.architecture }
    }
}
