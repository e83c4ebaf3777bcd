import Foundation
import Synchronization

/// Files of the `shared/` folder beside the package (`../shared` from the package root, found from `#filePath`):
/// recorded bodies the fake serves verbatim and the OpenAPI schemas it validates against.
enum SharedData {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared")

    /// The response body of a recording, e.g. `discovery/01-GET-version.http`.
    static func recordedBody(_ file: String) throws -> String {
        let text = try String(contentsOf: root.appendingPathComponent("k8s-recordings/\(file)"), encoding: .utf8)
        guard let response = text.range(of: "### response\n"),
              let blank = text.range(of: "\n\n", range: response.upperBound..<text.endIndex)
        else { throw CocoaError(.fileReadCorruptFile) }
        return String(text[blank.upperBound...])
    }

    private static let schemaFiles = Mutex<[String: [String: JSON]]>([:])

    /// `components.schemas` of one OpenAPI file, parsed once per process.
    static func schemas(_ file: String) throws -> [String: JSON] {
        if let cached = schemaFiles.withLock({ $0[file] }) { return cached }
        let data = try Data(contentsOf: root.appendingPathComponent("k8s-openapi/\(file)"))
        let document = try JSONParser.parse(Array(data)).value
        var schemas: [String: JSON] = [:]
        for member in document["components"]?["schemas"]?.members ?? [] { schemas[member.key] = member.value }
        schemaFiles.withLock { $0[file] = schemas }
        return schemas
    }
}
