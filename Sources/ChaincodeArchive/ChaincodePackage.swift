import Foundation
import K8sVMCore

/// A Fabric chaincode package: a tar.gz holding `metadata.json` and `code.tar.gz`, as `peer lifecycle chaincode
/// package` makes it and the peer installs it.
public enum ChaincodePackage {
    /// Limits for reading a package's top level (metadata.json and code.tar.gz).
    public static let maxPackageBytes: Int64 = 256 << 20

    /// Makes a reproducible package from `directory`: the same files give byte-identical output, so the same ID.
    ///
    /// Source types (golang, node, java) are laid out as the peer's own packager does: the code under `src/`,
    /// `META-INF/` at the root. `binary` and `image` packages keep the directory's layout.
    public static func create(from directory: String, metadata: PackageMetadata) throws -> Data {
        try PackageID.validateLabel(metadata.label)
        let files = try SourceTree.files(in: directory)
        let code = try ArchiveWriter()
        for file in files {
            let inMetaINF = file.path == "META-INF" || file.path.hasPrefix("META-INF/")
            let member = metadata.type.isSource && !inMetaINF ? "src/" + file.path : file.path
            try code.addFile(path: member, contents: try file.contents(), executable: file.executable)
        }
        let package = try ArchiveWriter()
        try package.addFile(path: "metadata.json", contents: metadata.encoded())
        try package.addFile(path: "code.tar.gz", contents: try code.finish())
        return try package.finish()
    }

    /// The two parts of a package file.
    public struct Contents: Sendable {
        public var metadataBytes: Data
        public var metadata: PackageMetadata
        public var code: Data
    }

    /// Reads a package file's metadata and code archive, validating both as the peer does.
    public static func read(_ packageBytes: Data, name: String) throws -> Contents {
        let reader = try ArchiveReader(data: packageBytes, name: name)
        var metadataBytes: Data?
        var code: Data?
        while let entry = try reader.next() {
            guard entry.kind == .regular else {
                throw K8sVMError("\(name): top-level member \"\(entry.path)\" is not a regular file")
            }
            let data: Data
            do {
                data = try reader.readData(limit: maxPackageBytes)
            } catch is ArchiveReader.SizeLimitExceeded {
                throw K8sVMError("\(name): member \"\(entry.path)\" is larger than \(maxPackageBytes) bytes")
            }
            switch entry.path {
            case "metadata.json": metadataBytes = data
            case "code.tar.gz": code = data
            default: continue
            }
        }
        guard let metadataBytes else { throw K8sVMError("\(name): no metadata.json in the package") }
        guard let code else { throw K8sVMError("\(name): no code.tar.gz in the package") }
        let metadata = try PackageMetadata.decode(metadataBytes, source: "\(name): metadata.json")
        try PackageID.validateLabel(metadata.label)
        return Contents(metadataBytes: metadataBytes, metadata: metadata, code: code)
    }

    /// The package ID the peer gives this package file.
    public static func id(of packageBytes: Data, name: String) throws -> String {
        let contents = try read(packageBytes, name: name)
        return PackageID.compute(label: contents.metadata.label, packageBytes: packageBytes)
    }

    /// Lays out `directory` as the peer does before `detect`: `src/` (the code, extracted safely), `metadata/`
    /// (metadata.json as packaged), and empty `bld/` and `release/`. `directory` must not exist; nothing is left
    /// behind on error.
    public static func extract(_ packageBytes: Data, name: String, into directory: String,
                               limits: ExtractionLimits = ExtractionLimits()) throws {
        let contents = try read(packageBytes, name: name)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        } catch {
            throw K8sVMError("cannot create \(directory): \(error.localizedDescription)", cause: error)
        }
        do {
            try SafeExtractor(limits: limits).extract(
                try ArchiveReader(data: contents.code, name: "\(name): code.tar.gz"), into: directory + "/src")
            for sub in ["metadata", "bld", "release"] {
                try FileManager.default.createDirectory(atPath: directory + "/" + sub, withIntermediateDirectories: false)
            }
            try contents.metadataBytes.write(to: URL(fileURLWithPath: directory + "/metadata/metadata.json"))
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }
}
