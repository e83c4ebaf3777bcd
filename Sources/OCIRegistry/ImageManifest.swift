import Foundation

/// A single-platform image manifest: OCI image manifest or Docker schema 2 (the same shape; `mediaType` tells them apart).
public struct ImageManifest: Codable, Sendable, Equatable {
    public var schemaVersion = 2
    public var mediaType: String?
    public var config: Descriptor
    public var layers: [Descriptor]
    public var annotations: [String: String]?

    public init(family: ManifestFamily, config: Descriptor, layers: [Descriptor]) {
        mediaType = family.manifest
        self.config = config
        self.layers = layers
    }

    /// The canonical bytes K8sVM pushes (sorted keys, so the same manifest always has the same digest).
    public func encoded() throws -> Data {
        try CanonicalJSON.encoder.encode(self)
    }
}

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

/// JSON encoding with sorted keys and unescaped slashes, for reproducible digests.
enum CanonicalJSON {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
