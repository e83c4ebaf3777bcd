import Foundation

/// Stage 2 of a chaincode build, done by the trusted build process: appends one layer to a runtime base image that
/// lives in the same registry and pushes the result. Base layers are linked into the target repository by
/// cross-repository mount and never downloaded; only the base's manifest and configuration are read.
public struct ImageAssembly: Sendable {
    /// The client of the registry holding both the base and the target.
    public let client: RegistryClient

    public init(client: RegistryClient) {
        self.client = client
    }

    /// Pushes `base` + `layer` as `target` (which must carry a tag) and returns what was pushed. Base layers are
    /// linked into the target repository concurrently.
    ///
    /// - Parameters:
    ///   - base: the runtime base image; an index resolves to linux/amd64.
    ///   - createdBy: the history entry's `created_by`, e.g. `k8svm build: basic_1.0`.
    ///   - created: the configuration's creation time (fix it for reproducible digests).
    /// - Throws: ``RegistryError`` naming the registry; `.unsupported` when a base layer cannot be mounted, since
    ///   downloading base layers is never an option.
    public func assemble(base: RegistryReference, target: RegistryReference, layer: LayerBlob, changes: ImageConfigChanges,
                         createdBy: String, created: Date = Date()) async throws -> PushedImage {
        let operation = "assembling \(target) onto \(base)"
        guard base.registry == client.registry, target.registry == client.registry else {
            throw RegistryError(registry: client.registry, operation: operation, kind: .unsupported(
                "the base \(base) and the target \(target) must both be in this registry (stage 2 mounts base layers and never downloads them)"))
        }
        guard target.tag != nil, target.digest == nil else {
            throw RegistryInputError("the target \(target) of stage 2 needs a tag and no digest")
        }
        let fetched = try await client.manifest(base)
        let family = fetched.family
        let baseConfig = try ImageConfiguration(data: try await client.blob(fetched.manifest.config.digest, in: base.repository))

        try await withThrowingTaskGroup(of: Void.self) { group in
            for baseLayer in fetched.manifest.layers {
                group.addTask {
                    try await linkBaseBlob(baseLayer.digest, from: base.repository, into: target.repository, operation: operation)
                }
            }
            try await group.waitForAll()
        }
        try await uploadUnlessPresent(.file(path: layer.file), digest: layer.digest, to: target.repository)
        let config = try baseConfig.appending(diffID: layer.diffID, createdBy: createdBy, created: created, changes: changes)
        let configDigest = Digest.of(config.data)
        try await uploadUnlessPresent(.bytes(config.data), digest: configDigest, to: target.repository)

        let manifest = ImageManifest(
            family: family,
            config: Descriptor(mediaType: family.config, digest: configDigest, size: Int64(config.data.count)),
            layers: fetched.manifest.layers + [Descriptor(mediaType: family.gzipLayer, digest: layer.digest, size: layer.size)])
        let bytes = try manifest.encoded()
        let digest = try await client.putManifest(bytes, mediaType: family.manifest, as: target)
        var pushed = target
        pushed.digest = digest
        return PushedImage(reference: pushed, digest: digest, size: Int64(bytes.count), mediaType: family.manifest)
    }

    /// Uploads a blob the repository does not have yet.
    private func uploadUnlessPresent(_ source: BlobSource, digest: Digest, to repository: String) async throws {
        if try await client.blobExists(digest, in: repository) {
            client.count { $0.presentBlobs += 1 }
        } else {
            try await client.uploadBlob(source, digest: digest, to: repository)
        }
    }

    /// Makes sure `digest` is in `repository`: already there, or mounted from `source`. A declined mount is an error.
    private func linkBaseBlob(_ digest: Digest, from source: String, into repository: String, operation: String) async throws {
        if try await client.blobExists(digest, in: repository) {
            client.count { $0.presentBlobs += 1 }
            return
        }
        guard try await client.mountBlob(digest, from: source, into: repository) else {
            throw RegistryError(registry: client.registry, operation: operation, kind: .unsupported(
                "it declined to mount base layer \(digest) from \(source) into \(repository); K8sVM does not download base layers, so push the base image to a repository this registry can mount from"))
        }
    }
}
