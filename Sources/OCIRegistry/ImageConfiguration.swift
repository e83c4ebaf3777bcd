import Foundation

/// An image configuration blob (OCI image config / Docker container image JSON), kept as the generic JSON it is so that
/// fields K8sVM does not know survive re-serialisation untouched. Only the run settings under `config`,
/// `rootfs.diff_ids`, `history` and `created` are ever changed.
public struct ImageConfiguration: Sendable, Equatable {
    /// The JSON bytes.
    public let data: Data

    /// Wraps configuration bytes after checking they are a JSON object.
    public init(data: Data) throws {
        _ = try Self.object(from: data)
        self.data = data
    }

    /// The configuration with one more layer and the run settings changed.
    ///
    /// - Parameters:
    ///   - diffID: the appended layer's uncompressed digest, added to `rootfs.diff_ids`.
    ///   - createdBy: the `created_by` of the history entry describing the layer.
    ///   - created: the image's and the history entry's creation time.
    public func appending(diffID: Digest, createdBy: String, created: Date, changes: ImageConfigChanges) throws -> ImageConfiguration {
        var object = try Self.object(from: data)
        let timestamp = ISO8601DateFormatter().string(from: created)

        var rootfs = object["rootfs"] as? [String: Any] ?? ["type": "layers"]
        rootfs["diff_ids"] = (rootfs["diff_ids"] as? [String] ?? []) + [diffID.value]
        object["rootfs"] = rootfs
        var history = object["history"] as? [Any] ?? []
        history.append(["created": timestamp, "created_by": createdBy] as [String: Any])
        object["history"] = history
        object["created"] = timestamp

        var run = object["config"] as? [String: Any] ?? [:]
        if let entrypoint = changes.entrypoint { run["Entrypoint"] = entrypoint }
        if let cmd = changes.cmd { run["Cmd"] = cmd }
        if let user = changes.user { run["User"] = user }
        if let workingDir = changes.workingDir { run["WorkingDir"] = workingDir }
        if !changes.labels.isEmpty {
            run["Labels"] = (run["Labels"] as? [String: Any] ?? [:]).merging(changes.labels.mapValues { $0 as Any }) { $1 }
        }
        if !changes.environment.isEmpty {
            let replaced = Set(changes.environment.keys)
            let kept = (run["Env"] as? [String] ?? []).filter { !replaced.contains(String($0.prefix { $0 != "=" })) }
            run["Env"] = kept + changes.environment.keys.sorted().map { "\($0)=\(changes.environment[$0]!)" }
        }
        object["config"] = run
        return try ImageConfiguration(data: JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
    }

    private static func object(from data: Data) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw RegistryInputError("the image configuration is not a JSON object")
        }
        return object
    }
}
