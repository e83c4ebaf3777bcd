import Foundation
import K8sVMCore

/// The one-line JSON a ccenv build writes to `/dev/termination-log` (and prints after `k8svm-stage1-summary: `):
/// `{"digest":"sha256:…","diffID":"sha256:…","size":N}`.
struct StageOneSummary: Codable, Sendable, Equatable {
    /// The prefix of the summary's stdout line, read by the Docker runner.
    static let logPrefix = "k8svm-stage1-summary: "

    var digest: String
    var diffID: String
    var size: Int64

    /// Parses the summary; anything else is an error quoting what was found.
    init(parsing text: String) throws {
        let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let parsed = try? JSONDecoder().decode(StageOneSummary.self, from: Data(line.utf8)),
              Self.isDigest(parsed.digest), Self.isDigest(parsed.diffID), parsed.size > 0 else {
            throw K8sVMError("the build reported no valid output summary (expected {\"digest\":\"sha256:…\",\"diffID\":\"sha256:…\",\"size\":N}, got \(line.isEmpty ? "nothing" : "\"\(line.prefix(200))\""))")
        }
        self = parsed
    }

    private static func isDigest(_ text: String) -> Bool {
        let hex = text.dropFirst("sha256:".count)
        return text.hasPrefix("sha256:") && hex.count == 64 && hex.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }
}
