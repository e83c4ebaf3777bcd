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
