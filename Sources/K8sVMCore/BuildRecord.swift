import Foundation

/// What `build` leaves in `BUILD_DIR/k8svm-build.json` for `run`.
///
/// The peer keeps `BUILD_DIR` across restarts and gives `run` nothing else, so everything needed to start the
/// chaincode is recorded here.
public struct BuildRecord: Codable, Sendable, Equatable {
    /// The record's file name inside the build directory.
    public static let fileName = "k8svm-build.json"

    public var backend: String
    public var type: ChaincodeType
    public var label: String
    /// For process backends: the executable, relative to the build directory.
    public var executable: String?
    /// The start arguments; `${VAR}` names one of the shim's variables (`${CORE_PEER_ADDRESS}`).
    public var arguments: [String]
    /// For image backends: the image to run.
    public var image: ImageReference?

    public init(backend: String, type: ChaincodeType, label: String, executable: String? = nil,
                arguments: [String], image: ImageReference? = nil) {
        self.backend = backend
        self.type = type
        self.label = label
        self.executable = executable
        self.arguments = arguments
        self.image = image
    }

    /// The Go shim reads the peer address only from this flag; binaries get it too unless they name their own.
    public static let goStartArguments = ["-peer.address=${CORE_PEER_ADDRESS}"]

    /// Writes the record into `directory`.
    public func write(toDirectory directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(self).write(to: URL(fileURLWithPath: directory + "/" + Self.fileName))
    }

    /// Reads the record `build` left in `directory`.
    public static func read(fromDirectory directory: String) throws -> BuildRecord {
        let file = directory + "/" + fileName
        guard let data = FileManager.default.contents(atPath: file) else {
            throw K8sVMError("\(file) is missing: \(directory) was not built by k8svm")
        }
        do {
            return try JSONDecoder().decode(BuildRecord.self, from: data)
        } catch {
            throw K8sVMError("\(file) is damaged: \(error)")
        }
    }

    /// `arguments` with each `${NAME}` replaced by that variable's value; unknown names are an error.
    public func expandedArguments(variables: [(String, String)]) throws -> [String] {
        try arguments.map { argument in
            var result = ""
            var rest = Substring(argument)
            while let open = rest.range(of: "${") {
                result += rest[..<open.lowerBound]
                guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                    throw K8sVMError("argument \"\(argument)\" has an unclosed ${")
                }
                let name = String(rest[open.upperBound..<close])
                guard let value = variables.first(where: { $0.0 == name })?.1 else {
                    throw K8sVMError("argument \"\(argument)\" names ${\(name)}, which is not one of the chaincode's variables")
                }
                result += value
                rest = rest[rest.index(after: close)...]
            }
            return result + rest
        }
    }
}
