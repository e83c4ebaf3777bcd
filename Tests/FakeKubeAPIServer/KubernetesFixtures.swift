import Foundation
import Synchronization

/// The files of `Tests/KubernetesFixtures` (found from `#filePath`, so a clone of the repository is enough): the
/// kube-apiserver recordings the fake serves verbatim and its tests compare against (`k8s-recordings`, see its
/// README), and the OpenAPI schemas the fake validates every object against (`k8s-openapi`).
public enum KubernetesFixtures {
    /// `Tests/KubernetesFixtures`.
    public static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("KubernetesFixtures")
    /// `k8s-recordings`: one folder per scenario, one `NN-….http` file per exchange.
    public static let recordings = directory.appendingPathComponent("k8s-recordings")
    /// `k8s-openapi`: the v1.26.1 OpenAPI v3 files.
    public static let openAPI = directory.appendingPathComponent("k8s-openapi")

    /// The response body of a recording, e.g. `discovery/01-GET-version.http`.
    static func recordedBody(_ file: String) throws -> String {
        let text = try String(contentsOf: recordings.appendingPathComponent(file), encoding: .utf8)
        guard let response = text.range(of: "### response\n"),
              let blank = text.range(of: "\n\n", range: response.upperBound..<text.endIndex)
        else { throw CocoaError(.fileReadCorruptFile) }
        return String(text[blank.upperBound...])
    }

    private static let schemaFiles = Mutex<[String: [String: JSON]]>([:])

    /// `components.schemas` of one OpenAPI file, parsed once per process.
    static func schemas(_ file: String) throws -> [String: JSON] {
        if let cached = schemaFiles.withLock({ $0[file] }) { return cached }
        let data = try Data(contentsOf: openAPI.appendingPathComponent(file))
        let document = try JSONParser.parse(Array(data)).value
        var schemas: [String: JSON] = [:]
        for member in document["components"]?["schemas"]?.members ?? [] { schemas[member.key] = member.value }
        schemaFiles.withLock { $0[file] = schemas }
        return schemas
    }
}
