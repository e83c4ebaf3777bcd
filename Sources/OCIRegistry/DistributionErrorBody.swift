import Foundation

/// The distribution-spec error body, `{"errors":[{"code":…,"message":…,"detail":…}]}`, condensed to one line.
enum DistributionErrorBody {
    /// `CODE: message; CODE: message`, or the first 200 characters of a body that is not such JSON.
    static func summary(of body: Data) -> String {
        struct Body: Decodable {
            struct Entry: Decodable {
                var code: String?
                var message: String?
            }
            var errors: [Entry]
        }
        if let decoded = try? JSONDecoder().decode(Body.self, from: body), !decoded.errors.isEmpty {
            return decoded.errors.map { entry in
                [entry.code, entry.message].compactMap { $0 }.joined(separator: ": ")
            }.joined(separator: "; ")
        }
        return String(decoding: body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
