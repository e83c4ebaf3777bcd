import Foundation

/// A prebuilt chaincode image, as named by `image.json` in an `image`/`k8s` package (fabric-builder-k8s' format).
public struct ImageReference: Sendable, Equatable, Codable {
    public var name: String
    public var digest: String

    public init(name: String, digest: String) {
        self.name = name
        self.digest = digest
    }

    /// `name@digest`: the form a Pod is given, so the image cannot change under it.
    public var pinned: String { "\(name)@\(digest)" }

    /// Writes `image.json` (fabric-builder-k8s' format) into `directory`.
    public func write(toDirectory directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(self).write(to: URL(fileURLWithPath: directory + "/image.json"))
    }

    /// Reads and validates `image.json` from a package's code directory.
    public static func load(fromDirectory directory: String) throws -> ImageReference {
        let file = directory + "/image.json"
        guard let data = FileManager.default.contents(atPath: file) else {
            throw K8sVMError("\(file): missing (an image package must hold image.json with \"name\" and \"digest\")")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw K8sVMError("\(file): malformed JSON")
        }
        guard let name = object["name"] as? String, !name.isEmpty else {
            throw K8sVMError("\(file): missing \"name\"")
        }
        guard let digest = object["digest"] as? String, !digest.isEmpty else {
            throw K8sVMError("\(file): missing \"digest\"")
        }
        let reference = ImageReference(name: name, digest: digest)
        try reference.validate(source: file)
        return reference
    }

    /// Throws unless the digest is `sha256:<64 hex>` and the name has no tag or digest of its own appended.
    public func validate(source: String) throws {
        let hex = digest.dropFirst("sha256:".count)
        guard digest.hasPrefix("sha256:"), hex.count == 64,
              hex.allSatisfy({ ("0"..."9").contains($0) || ("a"..."f").contains($0) })
        else {
            throw K8sVMError("\(source): \"digest\" \"\(digest)\" is not sha256:<64 lower-case hex digits>")
        }
        if name.contains("@") || name.contains(where: \.isWhitespace) {
            throw K8sVMError("\(source): \"name\" \"\(name)\" is not an image name")
        }
    }
}
