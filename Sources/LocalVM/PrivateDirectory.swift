import Foundation
import K8sVMCore
#if canImport(Glibc)
import Glibc
#endif

/// A temporary directory only its owner can enter (0700), removed by `remove()`.
public struct PrivateDirectory: Sendable {
    public let path: String

    /// Creates `$TMPDIR/<prefix>XXXXXX` (or under /tmp).
    public init(prefix: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        var base = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        while base.count > 1, base.hasSuffix("/") { base.removeLast() }
        var template = Array("\(base)/\(prefix)XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw K8sVMError("cannot create a private directory in \(base): \(String(cString: strerror(errno)))")
        }
        path = String(cString: created)
    }

    /// Writes `contents` to `name` inside the directory with mode 0600.
    public func write(_ contents: Data, to name: String) throws {
        try ScratchFile.write(contents, to: path + "/" + name, mode: 0o600)
    }

    /// Removes the directory and everything in it.
    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
