import Foundation
import OCIRegistry

/// Layers and base images made for the tests: tar.gz files built with the system `tar` and `gzip`, measured with
/// `sha256sum` independently of the code under test, and small base images pushed with the client.
enum Fixtures {
    /// A `.tar.gz` holding `name` with `contents` (plus `extraBytes` random bytes in a second file), and its digests
    /// as `sha256sum` computes them.
    static func layer(in directory: String, name: String, contents: String, extraBytes: Int = 0) throws -> LayerBlob {
        let root = directory + "/" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root + "/content", withIntermediateDirectories: true)
        try contents.write(toFile: root + "/content/" + name, atomically: true, encoding: .utf8)
        if extraBytes > 0 {
            _ = try shell("head -c \(extraBytes) /dev/urandom > '\(root)/content/random.bin'")
        }
        let file = root + "/layer.tar.gz"
        _ = try shell("tar -C '\(root)/content' -cf - . | gzip -n > '\(file)'")
        let digest = try shell("sha256sum '\(file)' | cut -d' ' -f1")
        let diffID = try shell("gzip -dc '\(file)' | sha256sum | cut -d' ' -f1")
        let size = try shell("stat -c %s '\(file)'")
        return LayerBlob(file: file, digest: try Digest("sha256:" + digest), diffID: try Digest("sha256:" + diffID), size: Int64(size)!)
    }

    /// The base image's configuration; `k8svm_test_unknown` stands for fields K8sVM must keep.
    static func baseConfig(diffIDs: [Digest], architecture: String = "amd64") -> Data {
        Data("""
            {"architecture":"\(architecture)","os":"linux","k8svm_test_unknown":{"kept":[1,2.5,true,null]},
             "config":{"Env":["PATH=/usr/bin:/bin","LANG=C"],"User":"0","Labels":{"base":"yes"}},
             "rootfs":{"type":"layers","diff_ids":[\(diffIDs.map { "\"\($0)\"" }.joined(separator: ","))]},
             "history":[\(diffIDs.indices.map { #"{"created":"2024-01-01T00:00:00Z","created_by":"base layer \#($0 + 1)"}"# }.joined(separator: ","))]}
            """.utf8)
    }

    /// Pushes a two-layer base image as `reference` in `family` and returns its manifest and layers.
    @discardableResult
    static func pushBase(_ client: RegistryClient, as reference: RegistryReference, family: ManifestFamily,
                         directory: String, architecture: String = "amd64") async throws -> (manifest: ImageManifest, layers: [LayerBlob]) {
        var layers: [LayerBlob] = []
        for index in 1...2 {
            let layer = try layer(in: directory, name: "base-\(architecture)-\(index).txt", contents: "base \(architecture) \(UUID())")
            try await client.uploadBlob(.file(path: layer.file), digest: layer.digest, to: reference.repository)
            layers.append(layer)
        }
        let config = baseConfig(diffIDs: layers.map(\.diffID), architecture: architecture)
        try await client.uploadBlob(.bytes(config), digest: Digest.of(config), to: reference.repository)
        let manifest = ImageManifest(
            family: family,
            config: Descriptor(mediaType: family.config, digest: Digest.of(config), size: Int64(config.count)),
            layers: layers.map { Descriptor(mediaType: family.gzipLayer, digest: $0.digest, size: $0.size) })
        try await client.putManifest(try manifest.encoded(), mediaType: family.manifest, as: reference)
        return (manifest, layers)
    }
}
