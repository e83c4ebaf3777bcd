import FakeKubeAPIServer
import Foundation

/// One recorded exchange of `Tests/KubernetesFixtures/k8s-recordings` (see its README "File format").
struct Recording {
    let method: String
    /// Path with query, as curl sent it.
    let target: String
    let requestBody: String?
    let requestContentType: String?
    let status: Int
    let responseBody: String

    init(_ file: String) throws {
        let text = try String(contentsOf: KubernetesFixtures.recordings.appendingPathComponent(file), encoding: .utf8)
        let parts = text.components(separatedBy: "### response\n")
        let request = parts[0].replacingOccurrences(of: "### request\n", with: "")
        let requestSections = request.components(separatedBy: "\n\n")
        let requestLines = requestSections[0].split(separator: "\n").map(String.init)
        let words = requestLines[0].split(separator: " ")
        method = String(words[0])
        target = String(words[1])
        let header = { (name: String) in
            requestLines.first { $0.lowercased().hasPrefix(name.lowercased() + ":") }.map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
        }
        requestContentType = header("Content-Type")
        if let length = header("Content-Length").flatMap(Int.init) {
            let body = requestSections.dropFirst().joined(separator: "\n\n")
            requestBody = String(decoding: Array(body.utf8).prefix(length), as: UTF8.self)
        } else {
            requestBody = nil
        }
        let response = parts[1]
        status = Int(response.split(separator: " ")[1])!
        responseBody = response.components(separatedBy: "\n\n").dropFirst().joined(separator: "\n\n")
    }

    /// The JSON lines of a recorded stream (prefixes `[+Nms] ` removed, the recorder's annotation dropped).
    var streamLines: [String] {
        responseBody.split(separator: "\n").compactMap { line in
            guard let close = line.firstIndex(of: "]") else { return nil }
            let rest = line[line.index(after: close)...].dropFirst()
            return rest.hasPrefix("<") ? nil : String(rest)
        }
    }
}
