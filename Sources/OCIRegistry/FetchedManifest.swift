import Foundation

/// A single-platform manifest as a registry served it: the decoded manifest, its family, and the exact bytes with
/// their digest (the digest of those bytes is the image's identity).
public struct FetchedManifest: Sendable, Equatable {
    public var manifest: ImageManifest
    public var family: ManifestFamily
    public var digest: Digest
    public var bytes: Data
}
