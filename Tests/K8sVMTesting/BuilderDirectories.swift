import Foundation
import PeerContract

/// The directories a peer hands the builder verbs, laid out as a peer lays them out, in a temporary directory that
/// ``remove()`` deletes: `src/` (the package's code), `metadata/metadata.json`, `bld/`, `release/`, `run/`.
public struct BuilderDirectories: Sendable {
    public let root: String
    public var source: String { root + "/src" }
    public var metadata: String { root + "/metadata" }
    public var build: String { root + "/bld" }
    public var release: String { root + "/release" }
    public var runMetadata: String { root + "/run" }

    /// A package of `type` labelled `label`, its source holding `files` (relative path → contents).
    public init(type: String, label: String, path: String = "", files: [String: String] = [:]) throws {
        var template = Array((NSTemporaryDirectory() + "/k8svm-builder-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        root = String(cString: made)
        let manager = FileManager.default
        do {
            for directory in [source, metadata, build, release, runMetadata] {
                try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            let metadataJSON = try JSONSerialization.data(withJSONObject: ["type": type, "label": label, "path": path])
            try metadataJSON.write(to: URL(fileURLWithPath: metadata + "/metadata.json"))
            for (name, contents) in files {
                let file = source + "/" + name
                try manager.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(contents.utf8).write(to: URL(fileURLWithPath: file))
            }
        } catch {
            remove()
            throw error
        }
    }

    /// Writes the peer's `chaincode.json` for `connection` into `run/`.
    public func writeChaincodeJSON(_ connection: PeerConnection) throws {
        try connection.write(toDirectory: runMetadata)
    }

    /// The entries of `bld/`, sorted.
    public func buildEntries() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: build)) ?? []).sorted()
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }
}
