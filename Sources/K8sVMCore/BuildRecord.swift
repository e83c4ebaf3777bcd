import Foundation

/// What `build` leaves in `BUILD_DIR/k8svm-build.json` for `run`: which backend built the package, and that
/// backend's own typed record of the build.
///
/// The peer keeps `BUILD_DIR` across restarts and gives `run` nothing else, so everything needed to start the
/// chaincode is recorded here. The file is one JSON object: `backend`, `type` and `label`, beside the fields of the
/// backend's record.
public struct BuildRecord: Sendable {
    /// The record's file name inside the build directory.
    public static let fileName = "k8svm-build.json"

    /// The backend that made the build.
    public let backend: String
    public let type: ChaincodeType
    public let label: String
    /// The backend's record, encoded as a JSON object.
    private let fields: Data

    private struct Envelope: Codable {
        var backend: String
        var type: ChaincodeType
        var label: String
    }

    /// A record of `build`, made by `backend`.
    public init<Build: Encodable>(backend: String, type: ChaincodeType, label: String, build: Build) throws {
        self.backend = backend
        self.type = type
        self.label = label
        self.fields = try JSONEncoder().encode(build)
    }

    /// The backend's record, after checking that `backend` made it.
    public func build<Build: Decodable>(_ kind: Build.Type, madeBy expected: String) throws -> Build {
        guard backend == expected else {
            throw K8sVMError("this build was made by the \(backend) backend; the \(expected) backend cannot start it (install the package again with backend \(expected))")
        }
        do {
            return try JSONDecoder().decode(kind, from: fields)
        } catch {
            throw K8sVMError("\(Self.fileName) is damaged: \(error)", cause: error)
        }
    }

    /// Writes the record into `directory`.
    public func write(toDirectory directory: String) throws {
        var object = (try JSONSerialization.jsonObject(with: fields)) as? [String: Any] ?? [:]
        object["backend"] = backend
        object["type"] = type.rawValue
        object["label"] = label
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try data.write(to: URL(fileURLWithPath: directory + "/" + Self.fileName))
    }

    /// Reads the record `build` left in `directory`.
    public static func read(fromDirectory directory: String) throws -> BuildRecord {
        let file = directory + "/" + fileName
        guard let data = FileManager.default.contents(atPath: file) else {
            throw K8sVMError("\(file) is missing: \(directory) was not built by k8svm")
        }
        do {
            let envelope = try JSONDecoder().decode(Envelope.self, from: data)
            return BuildRecord(backend: envelope.backend, type: envelope.type, label: envelope.label, fields: data)
        } catch {
            throw K8sVMError("\(file) is damaged: \(error)", cause: error)
        }
    }

    private init(backend: String, type: ChaincodeType, label: String, fields: Data) {
        self.backend = backend
        self.type = type
        self.label = label
        self.fields = fields
    }
}
