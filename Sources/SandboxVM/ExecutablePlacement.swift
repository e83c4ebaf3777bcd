import Foundation
import K8sVMCore
#if canImport(Glibc)
import Glibc
#endif

/// Puts an executable where a sandbox will run it: a hard link when the file is already world-readable and runnable
/// and on the same file system (no bytes copied), else a copy made mode 0755. Copies are written through a
/// close-on-exec descriptor: a child forked meanwhile must not keep it open for writing, or running it fails with
/// "Text file busy".
enum ExecutablePlacement {
    static func place(_ source: String, at destination: String) throws {
        var info = stat()
        guard stat(source, &info) == 0, info.st_mode & S_IFMT == S_IFREG, access(source, X_OK) == 0 else {
            throw K8sVMError("\(source) is not an executable file")
        }
        if info.st_mode & 0o005 == 0o005, link(source, destination) == 0 { return }
        try copy(source, to: destination, size: Int(info.st_size))
    }

    private static func copy(_ source: String, to destination: String, size: Int) throws {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw K8sVMError("cannot read \(source): \(String(cString: strerror(errno)))") }
        defer { close(input) }
        let output = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o755)
        guard output >= 0 else { throw K8sVMError("cannot create \(destination): \(String(cString: strerror(errno)))") }
        defer { close(output) }
        var remaining = size
        while remaining > 0 {
            let sent = sendfile(output, input, nil, remaining)
            if sent < 0, errno == EINTR { continue }
            guard sent > 0 else { throw K8sVMError("cannot copy \(source) to \(destination): \(String(cString: strerror(errno)))") }
            remaining -= sent
        }
        fchmod(output, 0o755)
    }
}
