import Foundation
import Synchronization

/// A container run for real as a local child process under `bwrap`: Secret volumes, `emptyDir`s and the
/// termination-message file bound at their mount paths, the command as PID 1 of its own PID namespace (so, as in a
/// real container, SIGTERM only acts if the process traps it: pod-graceful-delete-sigterm-ignored/).
final class ContainerProcess: Sendable {
    /// A path bound into the sandbox.
    struct Mount: Sendable {
        let source: String
        let target: String
        let readOnly: Bool
    }

    private let process: Process
    private let infoFile: String
    /// Exit code once known, and the tasks waiting for it (a class so the termination handler can share it).
    private final class ExitState: Sendable {
        let state = Mutex<(code: Int32?, waiters: [CheckedContinuation<Int32, Never>])>((nil, []))
    }

    private let exited = ExitState()
    private let killedByOOMHook = Atomic<Bool>(false)

    /// The fake's images are host files named in the entrypoint (`/usr/bin/env NAME=/path/script /path/script`). On a
    /// node they sit in the image's layers, beneath the Pod's volumes; here a volume (the emptyDir `/tmp`) can hide
    /// them when the checkout lies below it, so their directories are bound again over the volumes, read-only.
    static func imageDirectoriesHidden(by mounts: [Mount], argv: [String]) -> [String] {
        var directories: [String] = []
        for word in argv {
            let path = word.split(separator: "=", maxSplits: 1).last.map(String.init) ?? word
            guard path.hasPrefix("/"), FileManager.default.fileExists(atPath: path),
                  mounts.contains(where: { path.hasPrefix($0.target.hasSuffix("/") ? $0.target : $0.target + "/") })
            else { continue }
            let directory = (path as NSString).deletingLastPathComponent
            if !directories.contains(directory) { directories.append(directory) }
        }
        return directories
    }

    /// Starts `argv` with `environment`; output goes to `log`. Throws when bwrap is missing.
    init(argv: [String], environment: [String: String], workingDirectory: String, mounts: [Mount],
         log: ContainerLog, scratch: URL) throws {
        guard let bwrap = ["/usr/bin/bwrap", "/bin/bwrap", "/usr/local/bin/bwrap"].first(where: FileManager.default.isExecutableFile)
        else {
            throw FakeKubeAPIServerError.bubblewrapMissing
        }
        infoFile = scratch.appendingPathComponent("bwrap-info.json").path
        var arguments = ["--dev-bind", "/", "/", "--dev", "/dev"]
        for mount in mounts {
            arguments += [mount.readOnly ? "--ro-bind" : "--bind", mount.source, mount.target]
        }
        for directory in Self.imageDirectoriesHidden(by: mounts, argv: argv) {
            arguments += ["--ro-bind", directory, directory]
        }
        arguments += ["--chdir", workingDirectory, "--die-with-parent", "--unshare-pid", "--as-pid-1", "--info-fd", "3", "--"]
        arguments += argv
        let quoted = ([bwrap] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec \(quoted) 3>'\(infoFile)'"]
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        self.process = process
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil } else { log.append(Array(data)) }
        }
        let exited = self.exited
        process.terminationHandler = { process in
            let code = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
            let waiters = exited.state.withLock { state -> [CheckedContinuation<Int32, Never>] in
                state.code = code
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume(returning: code) }
        }
        try process.run()
    }

    var isRunning: Bool { exited.state.withLock { $0.code == nil } }

    /// Waits for the exit code (128+signal when killed: 137 for SIGKILL, 143 for an untrapped… or trapped SIGTERM).
    func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let code = exited.state.withLock { state -> Int32? in
                if state.code == nil { state.waiters.append(continuation) }
                return state.code
            }
            if let code { continuation.resume(returning: code) }
        }
    }

    /// The sandbox's PID 1 (the container command), from bwrap's `--info-fd` JSON.
    private var containerPID: pid_t? {
        for _ in 0..<50 {
            if let data = FileManager.default.contents(atPath: infoFile),
               let info = try? JSONParser.parse(Array(data)).value, let pid = info["child-pid"]?.int {
                return pid_t(pid)
            }
            usleep(10_000)
        }
        return nil
    }

    func signal(_ signal: Int32) {
        guard isRunning else { return }
        if let pid = containerPID { kill(pid, signal) }
        if signal == SIGKILL { kill(process.processIdentifier, SIGKILL) }
    }

    /// Test hook: SIGKILL reported as `OOMKilled` (pod-oomkilled/).
    func oomKill() {
        killedByOOMHook.store(true, ordering: .relaxed)
        signal(SIGKILL)
    }

    var wasOOMKilled: Bool { killedByOOMHook.load(ordering: .relaxed) }
}

/// Errors of ``FakeKubeAPIServer`` itself.
public enum FakeKubeAPIServerError: Error, CustomStringConvertible {
    /// The fake kubelet runs containers under bubblewrap (`apt-get install -y bubblewrap`).
    case bubblewrapMissing

    public var description: String {
        switch self {
        case .bubblewrapMissing: "bwrap not found: install bubblewrap (apt-get install -y bubblewrap) to run containers"
        }
    }
}
