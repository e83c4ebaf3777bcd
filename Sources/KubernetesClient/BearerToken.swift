import Foundation
import Synchronization

/// A bearer token: given literally, or read from a file that is read again whenever it changes (bound
/// service-account tokens are rotated by the kubelet while a long-lived `run` keeps using them).
public enum BearerToken: Sendable, Equatable {
    case literal(String)
    case file(String)

    /// The token to send now.
    func current(cache: TokenFileCache) throws -> String {
        switch self {
        case .literal(let token): return token
        case .file(let path): return try cache.token(at: path)
        }
    }
}

/// Remembers a token file's contents and modification time, so a changed file is read again.
final class TokenFileCache: Sendable {
    private struct Entry {
        var modified: Date
        var size: Int
        var token: String
    }

    private let entries = Mutex<[String: Entry]>([:])

    func token(at path: String) throws -> String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let modified = attributes?[.modificationDate] as? Date, let size = attributes?[.size] as? Int else {
            throw KubeConfigError("cannot read bearer token file \(path)")
        }
        if let entry = entries.withLock({ $0[path] }), entry.modified == modified, entry.size == size {
            return entry.token
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KubeConfigError("cannot read bearer token file \(path)")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        entries.withLock { $0[path] = Entry(modified: modified, size: size, token: token) }
        return token
    }
}
