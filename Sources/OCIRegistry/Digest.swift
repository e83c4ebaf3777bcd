import Crypto
import Foundation

/// A content digest as registries write it, `sha256:` followed by 64 lowercase hex digits.
public struct Digest: Hashable, Sendable, CustomStringConvertible, Codable {
    /// The whole digest, `sha256:…`.
    public let value: String

    /// Validates `value`; only sha256 digests are accepted.
    public init(_ value: String) throws {
        let hex = value.dropFirst("sha256:".count)
        guard value.hasPrefix("sha256:"), hex.count == 64, hex.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
            throw RegistryInputError("\"\(value)\" is not a sha256 digest (sha256: and 64 lowercase hex digits)")
        }
        self.value = value
    }

    private init(hashing digest: SHA256.Digest) {
        value = "sha256:" + digest.map { String(format: "%02x", $0) }.joined()
    }

    /// The digest of `bytes`.
    public static func of<Bytes: DataProtocol>(_ bytes: Bytes) -> Digest {
        Digest(hashing: SHA256.hash(data: bytes))
    }

    /// The digest of a file's contents, read in chunks.
    public static func of(file path: String) throws -> Digest {
        var hasher = StreamingSHA256()
        try FileChunks(path: path).forEach { hasher.update($0) }
        return hasher.finish()
    }

    public var description: String { value }

    public init(from decoder: any Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    /// A SHA-256 computed over bytes that arrive piece by piece.
    struct StreamingSHA256 {
        private var hasher = SHA256()

        mutating func update(_ bytes: Data) { hasher.update(data: bytes) }

        func finish() -> Digest { Digest(hashing: hasher.finalize()) }
    }
}

/// Reads a file in fixed-size chunks, so large layers are never held in memory at once.
struct FileChunks {
    let path: String
    var chunkSize = 1 << 20

    /// Calls `body` with each chunk in order.
    func forEach(_ body: (Data) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw RegistryInputError("cannot open \(path) for reading")
        }
        defer { try? handle.close() }
        while let chunk = try handle.read(upToCount: chunkSize), !chunk.isEmpty {
            try body(chunk)
        }
    }

    /// The bytes at `offset..<offset+count`.
    func read(offset: Int64, count: Int) throws -> Data {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw RegistryInputError("cannot open \(path) for reading")
        }
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(offset))
        return try handle.read(upToCount: count) ?? Data()
    }
}
