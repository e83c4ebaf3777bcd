/// The media types of the two manifest families K8sVM reads and writes: OCI image-spec and Docker image manifest v2
/// schema 2. An image stays in its family: a layer appended to a Docker base is a Docker layer.
public enum ManifestFamily: Sendable, Equatable {
    case oci
    case docker

    /// The media type of a single-platform manifest.
    public var manifest: String {
        switch self {
        case .oci: "application/vnd.oci.image.manifest.v1+json"
        case .docker: "application/vnd.docker.distribution.manifest.v2+json"
        }
    }

    /// The media type of a multi-platform index (OCI) or manifest list (Docker).
    public var index: String {
        switch self {
        case .oci: "application/vnd.oci.image.index.v1+json"
        case .docker: "application/vnd.docker.distribution.manifest.list.v2+json"
        }
    }

    /// The media type of the image configuration blob.
    public var config: String {
        switch self {
        case .oci: "application/vnd.oci.image.config.v1+json"
        case .docker: "application/vnd.docker.container.image.v1+json"
        }
    }

    /// The media type of a gzip-compressed tar layer.
    public var gzipLayer: String {
        switch self {
        case .oci: "application/vnd.oci.image.layer.v1.tar+gzip"
        case .docker: "application/vnd.docker.image.rootfs.diff.tar.gzip"
        }
    }

    /// The family a manifest or index media type belongs to, nil for anything else.
    public init?(mediaType: String) {
        switch mediaType {
        case ManifestFamily.oci.manifest, ManifestFamily.oci.index: self = .oci
        case ManifestFamily.docker.manifest, ManifestFamily.docker.index: self = .docker
        default: return nil
        }
    }

    /// Every manifest media type K8sVM reads, for `Accept`.
    static let acceptable = [oci.manifest, oci.index, docker.manifest, docker.index]
}
