#if canImport(Glibc)
import Glibc
#endif

/// Reads `/proc` files. Their size is given as 0 and a long one (`maps`) comes a page per read, so reading "the file"
/// by its size, as Foundation's `String(contentsOfFile:)` does, returns its first page only.
public enum ProcFile {
    /// The whole text of `path`, or nil when it cannot be read.
    public static func read(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return String(decoding: contents, as: UTF8.self) }
            if count < 0 && errno != EINTR { return nil }
            if count > 0 { contents.append(contentsOf: chunk[..<count]) }
        }
    }
}
