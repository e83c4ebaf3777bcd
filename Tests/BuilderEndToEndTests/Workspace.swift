import Foundation
import Testing

/// A private scratch directory per test, with its own TMPDIR so leftovers of k8svm processes can be seen.
struct Workspace {
    let root: String

    init() throws {
        var template = Array(("/tmp/k8svm-test-XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else { throw TestFailure("mkdtemp failed") }
        root = String(cString: created)
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: false)
    }

    /// The TMPDIR handed to k8svm.
    var tmp: String { root + "/tmp" }

    func path(_ name: String) -> String { root + "/" + name }

    /// Names left in TMPDIR (what a k8svm process forgot to remove), ignoring Go's caches.
    func tmpLeftovers() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: tmp).filter { $0 != "k8svm-go" }.sorted()
    }

    /// The environment the peer gives a builder: only PATH and TMPDIR (plus what a test adds).
    func peerEnvironment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "TMPDIR": tmp]
        environment.merge(extra) { $1 }
        return environment
    }

    func write(_ text: String, to name: String) throws {
        let file = path(name)
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: false, encoding: .utf8)
    }

    func read(_ name: String) throws -> String {
        try String(contentsOfFile: path(name), encoding: .utf8)
    }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
