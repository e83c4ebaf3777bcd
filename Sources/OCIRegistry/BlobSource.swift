import Foundation

/// Bytes to upload as a blob: in memory (configs, small manifests' blobs) or a file read chunk by chunk (layers).
public enum BlobSource: Sendable {
    case bytes(Data)
    case file(path: String)

    /// The number of bytes.
    func size() throws -> Int64 {
        switch self {
        case .bytes(let data):
            return Int64(data.count)
        case .file(let path):
            guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber else {
                throw RegistryInputError("cannot read the size of \(path)")
            }
            return size.int64Value
        }
    }

    /// The bytes at `offset..<offset+count`.
    func read(offset: Int64, count: Int) throws -> Data {
        switch self {
        case .bytes(let data):
            let start = data.startIndex + Int(offset)
            return data[start..<min(start + count, data.endIndex)]
        case .file(let path):
            return try FileChunks(path: path).read(offset: offset, count: count)
        }
    }
}
