import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file k8svm writes for its own short-lived use (TLS material for a chaincode it starts, a sandbox's hosts file):
/// created new with its mode, and not synced to disk, unlike `Data.write(to:)`: nothing needs it after a crash, and a
/// sync costs every launch milliseconds.
public enum ScratchFile {
    /// Creates `path` (which must not exist) with `mode` and writes `contents`.
    public static func write(_ contents: Data, to path: String, mode: mode_t) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw K8sVMError("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var offset = 0
        while offset < contents.count {
            let written = contents.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { throw K8sVMError("cannot write \(path): \(String(cString: strerror(errno)))") }
            offset += written
        }
    }
}
