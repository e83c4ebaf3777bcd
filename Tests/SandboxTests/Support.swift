import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Every sandbox test, one at a time: they share the sandbox uid, whose processes a test counts.
@Suite(.serialized) struct SandboxTests {}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Paths of this package's products and the shared sandbox work directory.
enum Products {
    static let directory: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().path
    }()
    static let k8svm = directory + "/k8svm"
    static let assetTransfer = directory + "/AssetTransferExample"
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

    /// One work directory for every test (k8svm stages a copy of itself there once); after each test it holds only that.
    static let workDirectory: String = {
        let path = "/tmp/k8svm-sandbox-tests"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        chmod(path, 0o711)
        return path
    }()

    /// The sandbox uid k8svm uses when it runs as root (the default of sandbox.hostUID).
    static let sandboxUID: uid_t = 62000
}

/// A scratch directory per test (searchable by the sandbox uid) and the environment k8svm is started with.
struct Workspace {
    let root: String

    init() throws {
        var template = Array("/tmp/k8svm-sbtest-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw TestFailure("mkdtemp failed") }
        root = String(cString: created)
        chmod(root, 0o711)
    }

    func path(_ name: String) -> String { root + "/" + name }

    func environment(_ settings: [String: String] = [:]) -> [String: String] {
        var environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "TMPDIR": "/tmp",
                           "HOME": ProcessInfo.processInfo.environment["HOME"] ?? "/root",
                           "K8SVM_SANDBOX_WORK_DIRECTORY": Products.workDirectory]
        environment.merge(settings) { $1 }
        return environment
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

/// What a finished run left on the host.
enum Leftovers {
    /// Processes of the sandbox uid that are still running (zombies waiting for the host's init to reap them run
    /// nothing and are not counted).
    static func sandboxProcesses() -> [String] {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap { Int32($0) } ?? []
        return pids.compactMap { pid -> String? in
            var info = stat()
            guard stat("/proc/\(pid)", &info) == 0, info.st_uid == Products.sandboxUID,
                  let status = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = status.lastIndex(of: ")"), !status[close...].hasPrefix(") Z")
            else { return nil }
            return status
        }
    }

    /// Entries of the work directory besides the staged k8svm copies.
    static func files() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: Products.workDirectory)) ?? []).filter { !$0.hasPrefix("k8svm-") }.sorted()
    }

    /// Mount points on the host that mention the work directory.
    static func mounts() -> [String] {
        let table = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        return table.split(separator: "\n").map(String.init).filter { $0.contains(Products.workDirectory) }
    }

    /// Expects nothing left behind, waiting a little for the host's bookkeeping.
    static func expectNone(_ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) async {
        for _ in 0..<100 where !sandboxProcesses().isEmpty || !files().isEmpty {
            try? await Task.sleep(for: .milliseconds(20))
        }
        #expect(sandboxProcesses().isEmpty, "no sandbox process runs", sourceLocation: sourceLocation)
        #expect(files().isEmpty, "no run files are left", sourceLocation: sourceLocation)
        #expect(mounts().isEmpty, "no mount is left", sourceLocation: sourceLocation)
    }
}
