/// An image stage 2 pushed: its reference by tag and digest, and the manifest's digest, size and media type.
public struct PushedImage: Sendable, Equatable {
    /// The target repository with the tag and the manifest digest (`host/repo:tag@sha256:…`); run by digest.
    public var reference: RegistryReference
    public var digest: Digest
    public var size: Int64
    public var mediaType: String
}
