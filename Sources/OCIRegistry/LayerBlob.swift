import Foundation

/// A gzip-compressed tar to append as an image layer, with the two digests an image needs: `digest` of the
/// compressed file (in the manifest) and `diffID` of the uncompressed tar (in the configuration's `rootfs.diff_ids`).
public struct LayerBlob: Sendable, Equatable {
    /// Path of the `.tar.gz` file.
    public var file: String
    /// sha256 of the compressed file.
    public var digest: Digest
    /// sha256 of the uncompressed tar.
    public var diffID: Digest
    /// Size in bytes of the compressed file.
    public var size: Int64

    public init(file: String, digest: Digest, diffID: Digest, size: Int64) {
        self.file = file
        self.digest = digest
        self.diffID = diffID
        self.size = size
    }

    /// Measures a `.tar.gz` file: hashes it, and hashes its decompressed stream (`gzip -dc`) for the diff ID.
    public static func measure(file: String) throws -> LayerBlob {
        let digest = try Digest.of(file: file)
        let size = try BlobSource.file(path: file).size()
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gzip.arguments = ["gzip", "-dc", "--", file]
        let output = Pipe()
        gzip.standardOutput = output
        gzip.standardError = FileHandle.nullDevice
        do {
            try gzip.run()
        } catch {
            throw RegistryInputError("cannot run gzip to measure \(file): \(error)")
        }
        var hasher = Digest.StreamingSHA256()
        while let chunk = try output.fileHandleForReading.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(chunk)
        }
        gzip.waitUntilExit()
        guard gzip.terminationStatus == 0 else {
            throw RegistryInputError("\(file) is not a gzip file (gzip -dc exited with \(gzip.terminationStatus))")
        }
        return LayerBlob(file: file, digest: digest, diffID: hasher.finish(), size: size)
    }
}
