import Foundation
import K8sVMCore
import LocalVM
#if canImport(Glibc)
import Glibc
#endif

/// What every sandbox on this host shares: bubblewrap, the host uid sandboxes run as, the work directory, the
/// read-only system paths, and the k8svm binary that runs inside as the sandbox's init.
public struct SandboxHost: Sendable {
    public let settings: SandboxSettings
    /// The resolved bubblewrap executable.
    public let bwrap: String
    /// The host uid sandboxes run as (nil: k8svm's own, when it is not root).
    public let sandboxUID: Int?
    /// The copy of k8svm bound into sandboxes (readable by the sandbox uid wherever k8svm itself is installed).
    public let helper: String
    /// Host paths bound read-only at the same place inside every sandbox.
    public let systemPaths: [String]
    /// The environment of k8svm, for PATH lookups.
    public let environment: [String: String]

    /// Checks bubblewrap and the work directory and stages the k8svm helper; every problem is named.
    public init(settings: SandboxSettings, environment: [String: String]) throws {
        self.settings = settings
        self.environment = environment
        do {
            bwrap = try ChildProcess.resolve(settings.bwrapCommand, path: environment["PATH"])
        } catch {
            throw K8sVMError("sandboxed runs need bubblewrap: \(settings.bwrapCommand) was not found (apt-get install bubblewrap, or set sandbox.bwrapCommand)")
        }
        sandboxUID = getuid() == 0 ? settings.hostUID : nil
        let work = settings.workDirectory
        try Self.makeReachable(work, uid: sandboxUID)
        helper = try Self.stageHelper(in: work)
        systemPaths = Self.withRuntimeLibraries(settings.systemPaths, environment: environment)
    }


    /// A new directory under the work directory, owned by the sandbox uid (0700).
    public func makeDirectory(prefix: String) throws -> String {
        var template = Array("\(settings.workDirectory)/\(prefix)XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw K8sVMError("cannot create a directory in \(settings.workDirectory): \(String(cString: strerror(errno)))")
        }
        let path = String(cString: created)
        try handOver(path)
        return path
    }

    /// Gives `path` to the sandbox uid (when k8svm is root), so a sandbox can read or write it.
    public func handOver(_ path: String) throws {
        guard let uid = sandboxUID else { return }
        guard chown(path, uid_t(uid), gid_t(uid)) == 0 else {
            throw K8sVMError("cannot hand \(path) to the sandbox uid \(uid): \(String(cString: strerror(errno)))")
        }
    }

    /// ``handOver(_:)`` for `path` and everything under it (links are not followed).
    public func handOverTree(_ path: String) throws {
        guard sandboxUID != nil else { return }
        try handOver(path)
        guard let enumerator = FileManager.default.enumerator(atPath: path) else { return }
        for case let relative as String in enumerator {
            let item = path + "/" + relative
            if try FileTree.kind(of: item) != .other("a symbolic link") { try handOver(item) }
        }
    }

    /// Creates the work directory (0711) and checks that the sandbox uid can pass through every parent.
    private static func makeReachable(_ directory: String, uid: Int?) throws {
        guard directory.hasPrefix("/") else { throw K8sVMError("sandbox.workDirectory \"\(directory)\" must be an absolute path") }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw K8sVMError("cannot create sandbox.workDirectory \(directory): \(error.localizedDescription)", cause: error)
        }
        guard let uid else { return }
        chmod(directory, 0o711)
        var path = ""
        for component in directory.split(separator: "/") {
            path += "/" + component
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            let searchable = info.st_mode & 0o001 != 0 || (info.st_uid == uid && info.st_mode & 0o100 != 0)
            guard searchable else {
                throw K8sVMError("sandbox.workDirectory \(directory): the sandbox uid \(uid) cannot pass through \(path) (mode \(String(info.st_mode & 0o777, radix: 8))); choose a directory under a searchable parent")
            }
        }
    }

    /// Copies the running k8svm into the work directory once (by size and modification time), world-readable.
    private static func stageHelper(in directory: String) throws -> String {
        let own = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        var info = stat()
        guard stat(own, &info) == 0 else { throw K8sVMError("cannot read \(own)") }
        let staged = "\(directory)/k8svm-\(info.st_size)-\(info.st_mtim.tv_sec)-\(info.st_ino)"
        if access(staged, R_OK | X_OK) == 0 { return staged }
        let partial = staged + ".\(getpid())"
        do {
            try? FileManager.default.removeItem(atPath: partial)
            try FileManager.default.copyItem(atPath: own, toPath: partial)
        } catch {
            throw K8sVMError("cannot copy k8svm into \(directory): \(error.localizedDescription)", cause: error)
        }
        chmod(partial, 0o755)
        guard rename(partial, staged) == 0 else { throw K8sVMError("cannot place \(staged): \(String(cString: strerror(errno)))") }
        removeStaleHelpers(in: directory, keeping: staged)
        return staged
    }

    /// Removes copies of other k8svm builds staged more than an hour ago (a sandbox still running one keeps its file
    /// through its mount; a k8svm that staged it within the hour may be about to start one).
    private static func removeStaleHelpers(in directory: String, keeping current: String) {
        let hourAgo = time(nil) - 3600
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where name.hasPrefix("k8svm-") {
            let path = directory + "/" + name
            var info = stat()
            if path != current, lstat(path, &info) == 0, info.st_ctim.tv_sec < hourAgo { unlink(path) }
        }
    }

    /// `paths` plus the Swift runtime Swift chaincode links: the directories of shared libraries k8svm itself loaded
    /// from outside them (a debug k8svm's toolchain under /opt, say), and the runtime of the `swift` in PATH.
    private static func withRuntimeLibraries(_ paths: [String], environment: [String: String]) -> [String] {
        var directories: [String] = []
        let maps = ProcFile.read("/proc/self/maps") ?? ""
        for line in maps.split(separator: "\n") {
            guard let slash = line.firstIndex(of: "/"), line[slash...].contains(".so") else { continue }
            directories.append((String(line[slash...]) as NSString).deletingLastPathComponent)
        }
        if let swift = try? ChildProcess.resolve("swift", path: environment["PATH"]), let resolved = FileTree.resolved(swift) {
            // <toolchain>/usr/bin/swift → <toolchain>/usr/lib/swift/linux
            let usr = ((resolved as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
            if FileManager.default.fileExists(atPath: usr + "/lib/swift/linux") { directories.append(usr + "/lib/swift/linux") }
        }
        var result = paths
        for directory in directories where !result.contains(where: { directory == $0 || directory.hasPrefix($0 + "/") }) {
            result.append(directory)
        }
        return result
    }
}
