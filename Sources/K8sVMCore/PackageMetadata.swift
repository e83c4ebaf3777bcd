import Foundation

/// The contents of a chaincode package's `metadata.json` (the file the peer puts in `METADATA_DIR`).
///
/// `type`, `label` and `path` are Fabric's; `executable` and `arguments` are K8sVM's optional additions
/// for `binary` packages.
public struct PackageMetadata: Sendable, Equatable {
    public var type: ChaincodeType
    /// The type exactly as written in the file (the peer keeps it that way).
    public var typeName: String
    public var label: String
    public var path: String
    /// For `binary` packages: the executable, relative to the code root (default `chaincode`).
    public var executable: String?
    /// For `binary` packages: the start arguments; default `-peer.address=<peer address>`.
    public var arguments: [String]?

    public init(type: ChaincodeType, typeName: String? = nil, label: String, path: String = "",
                executable: String? = nil, arguments: [String]? = nil) {
        self.type = type
        self.typeName = typeName ?? type.rawValue
        self.label = label
        self.path = path
        self.executable = executable
        self.arguments = arguments
    }

    /// Reads and validates `DIR/metadata.json`.
    public static func load(fromDirectory directory: String) throws -> PackageMetadata {
        let file = directory + "/metadata.json"
        guard let data = FileManager.default.contents(atPath: file) else {
            throw K8sVMError("cannot read \(file): no such file")
        }
        return try decode(data, source: file)
    }

    /// Decodes and validates metadata JSON; `source` names the file in errors.
    public static func decode(_ data: Data, source: String = "metadata.json") throws -> PackageMetadata {
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw K8sVMError("\(source): expected a JSON object")
            }
            object = parsed
        } catch let error as K8sVMError {
            throw error
        } catch {
            throw K8sVMError("\(source): malformed JSON", cause: error)
        }
        func string(_ key: String, required: Bool) throws -> String? {
            switch object[key] {
            case nil, is NSNull:
                if required { throw K8sVMError("\(source): missing \"\(key)\"") }
                return nil
            case let value as String:
                return value
            default:
                throw K8sVMError("\(source): \"\(key)\" must be a string")
            }
        }
        let typeName = try string("type", required: true)!
        guard let type = ChaincodeType(metadataType: typeName) else {
            throw K8sVMError(
                "\(source): unknown chaincode type \"\(typeName)\" (accepted: \(ChaincodeType.acceptedNames.joined(separator: ", ")))")
        }
        let label = try string("label", required: false) ?? ""
        let path = try string("path", required: false) ?? ""
        let executable = try string("executable", required: false)
        var arguments: [String]?
        if let raw = object["arguments"], !(raw is NSNull) {
            guard let list = raw as? [Any], let strings = list as? [String] else {
                throw K8sVMError("\(source): \"arguments\" must be an array of strings")
            }
            arguments = strings
        }
        if let executable {
            try RelativePath.validate(executable, what: "\(source): \"executable\"")
        }
        if !path.isEmpty, type == .golang || type == .binary {
            try RelativePath.validate(path, what: "\(source): \"path\"", allowDot: true)
        }
        return PackageMetadata(type: type, typeName: typeName, label: label, path: path,
                               executable: executable, arguments: arguments)
    }

    /// The JSON written into a package by `k8svm package`, keys sorted so packages are reproducible.
    public func encoded() -> Data {
        var object: [String: Any] = ["type": typeName, "label": label, "path": path]
        if let executable { object["executable"] = executable }
        if let arguments { object["arguments"] = arguments }
        // Sorted keys and no escaped slashes: the same metadata always gives the same bytes.
        return try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }
}
