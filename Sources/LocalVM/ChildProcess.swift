import CLaunch
import Foundation
import K8sVMCore
#if canImport(Glibc)
import Glibc
#endif

/// A real child process started with fork/exec: its own process group, killed if its parent dies.
public final class ChildProcess: Sendable {
    /// Where the child's standard output and error go.
    public enum Output: Sendable {
        /// Both streams go to the parent's standard error (the peer logs only stderr).
        case parentStandardError
        /// Both streams go to this descriptor (e.g. a pipe's write end); the caller keeps ownership.
        case descriptor(Int32)
        /// The parent's own stdout and stderr.
        case inherit
        /// Standard output to the first descriptor, standard error to the second; the caller keeps ownership.
        case separate(output: Int32, errors: Int32)
    }

    /// What to start.
    public struct Specification: Sendable {
        /// An absolute path, or a name looked up in PATH.
        public var executable: String
        public var arguments: [String]
        public var environment: [String: String]
        public var workingDirectory: String?
        public var output: Output
        /// Close every inherited descriptor but 0, 1 and 2 in the child, even those not marked close-on-exec.
        public var closeOtherDescriptors: Bool
        /// A uid the child runs as, with the group of the same number and no supplementary groups (k8svm must be
        /// root); nil keeps k8svm's own.
        public var runAsUser: uid_t?

        public init(executable: String, arguments: [String] = [], environment: [String: String],
                    workingDirectory: String? = nil, output: Output = .parentStandardError, closeOtherDescriptors: Bool = false,
                    runAsUser: uid_t? = nil) {
            self.executable = executable
            self.arguments = arguments
            self.environment = environment
            self.workingDirectory = workingDirectory
            self.output = output
            self.closeOtherDescriptors = closeOtherDescriptors
            self.runAsUser = runAsUser
        }
    }

    public let pid: pid_t
    private let exitStatus: ExitStatusBox

    /// Starts the process; throws a message naming the executable and the reason when it cannot run.
    public init(_ specification: Specification) throws {
        let path = try Self.resolve(specification.executable, path: specification.environment["PATH"])
        let argv = CStringArray([path] + specification.arguments)
        let envp = CStringArray(specification.environment.sorted(by: { $0.key < $1.key }).map { "\($0.key)=\($0.value)" })
        let (stdoutFD, stderrFD): (Int32, Int32) = switch specification.output {
        case .parentStandardError: (STDERR_FILENO, STDERR_FILENO)
        case .descriptor(let fd): (fd, fd)
        case .inherit: (-1, -1)
        case .separate(let output, let errors): (output, errors)
        }
        var failedErrno: Int32 = 0
        var failedStep: UnsafePointer<CChar>?
        let workingDirectory = specification.workingDirectory
        let closeOthers: Int32 = specification.closeOtherDescriptors ? 1 : 0
        let identity = specification.runAsUser
        // PR_SET_PDEATHSIG fires when the forking *thread* ends, so every fork happens on one thread that never does.
        let pid = LaunchThread.shared.perform {
            path.withCString { cPath in
                withOptionalCString(workingDirectory) { cwd in
                    var request = k8svm_launch_request(
                        path: cPath, argv: argv.pointer, envp: envp.pointer, working_directory: cwd,
                        stdin_fd: -1, stdout_fd: stdoutFD, stderr_fd: stderrFD, new_process_group: 1, die_with_parent: 1,
                        close_other_fds: closeOthers, change_identity: identity == nil ? 0 : 1,
                        run_as_uid: identity ?? 0, run_as_gid: identity.map { gid_t($0) } ?? 0)
                    return k8svm_launch(&request, &failedErrno, &failedStep)
                }
            }
        }
        guard pid > 0 else {
            let step = failedStep.map { String(cString: $0) } ?? "start"
            let reason = String(cString: strerror(failedErrno))
            if step == "exec" {
                throw K8sVMError("cannot execute \(path): \(reason)")
            }
            throw K8sVMError("cannot start \(path): \(step) failed: \(reason)")
        }
        self.pid = pid
        self.exitStatus = ExitStatusBox(pid: pid)
    }

    /// Sends `signal` to the child's whole process group.
    public func signal(_ signal: Int32) {
        if !exitStatus.hasEnded { kill(-pid, signal) }
    }

    /// Waits until the child ends (without blocking a concurrency thread) and returns how.
    public func wait() async -> ExitStatus {
        await exitStatus.value()
    }

    /// `signal` (SIGTERM by default) now, SIGKILL to the whole group if it is still running after `grace`;
    /// returns once it has ended.
    @discardableResult
    public func terminate(signal first: Int32 = SIGTERM, grace: Duration) async -> ExitStatus {
        signal(first)
        _ = await ends(within: grace) { self.signal(SIGKILL) }
        return await wait()
    }

    /// Waits at most `timeout`; a child still running then is terminated and nil is returned.
    public func wait(timeout: Duration, grace: Duration = .seconds(2)) async -> ExitStatus? {
        await ends(within: timeout) { await self.terminate(grace: grace) } ? await wait() : nil
    }

    /// True when the child ends within `limit`; otherwise runs `otherwise`, which must make it end, and is false.
    private func ends(within limit: Duration, otherwise: @escaping @Sendable () async -> Void) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { _ = await self.wait(); return true }
            group.addTask { try? await Task.sleep(for: limit); return false }
            let inTime = await group.next() ?? true
            // The reaper task cannot be cancelled: the group ends only once the child has.
            if !inTime { await otherwise() }
            group.cancelAll()
            return inTime
        }
    }

    /// Resolves a command name through PATH as execvp would; paths with a slash are taken as they are.
    public static func resolve(_ executable: String, path: String?) throws -> String {
        if executable.contains("/") {
            guard access(executable, X_OK) == 0 else {
                throw K8sVMError("cannot execute \(executable): \(String(cString: strerror(errno)))")
            }
            return executable
        }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(executable)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        throw K8sVMError("\(executable): command not found in PATH")
    }
}

/// The one thread that forks every child, alive as long as the process.
private final class LaunchThread: @unchecked Sendable {
    static let shared = LaunchThread()
    private let condition = NSCondition()
    private var pending: [() -> Void] = []

    private init() {
        let thread = Thread { [self] in
            while true {
                condition.lock()
                while pending.isEmpty { condition.wait() }
                let job = pending.removeFirst()
                condition.unlock()
                job()
            }
        }
        thread.name = "k8svm-launch"
        thread.start()
    }

    /// Runs `body` on the launch thread and returns its result (a fork takes well under a millisecond).
    func perform<T>(_ body: @escaping () -> T) -> T {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: T?
        condition.lock()
        pending.append {
            result = body()
            done.signal()
        }
        condition.signal()
        condition.unlock()
        done.wait()
        return result!
    }
}

/// Reaps one child on a dedicated thread and hands its status to every waiter.
private final class ExitStatusBox: @unchecked Sendable {
    private let lock = NSLock()
    private var status: ExitStatus?
    private var waiters: [CheckedContinuation<ExitStatus, Never>] = []

    init(pid: pid_t) {
        let thread = Thread { [self] in
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) < 0, errno == EINTR {}
            let ended: ExitStatus = (raw & 0x7f) == 0 ? .exited((raw >> 8) & 0xff) : .signaled(raw & 0x7f)
            lock.lock()
            status = ended
            let pending = waiters
            waiters = []
            lock.unlock()
            for waiter in pending { waiter.resume(returning: ended) }
        }
        thread.start()
    }

    var hasEnded: Bool {
        lock.lock()
        defer { lock.unlock() }
        return status != nil
    }

    func value() async -> ExitStatus {
        await withCheckedContinuation { continuation in
            lock.lock()
            if let status {
                lock.unlock()
                continuation.resume(returning: status)
            } else {
                waiters.append(continuation)
                lock.unlock()
            }
        }
    }
}

/// A NULL-terminated `char *[]` that lives as long as this value.
private final class CStringArray: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    private let count: Int

    init(_ strings: [String]) {
        count = strings.count
        pointer = .allocate(capacity: strings.count + 1)
        for (index, string) in strings.enumerated() { pointer[index] = strdup(string) }
        pointer[strings.count] = nil
    }

    deinit {
        for index in 0..<count { free(pointer[index]) }
        pointer.deallocate()
    }
}

private func withOptionalCString<R>(_ string: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let string else { return body(nil) }
    return string.withCString { body($0) }
}

/// A pipe whose two ends close on exec (a child gets only the end handed to it explicitly).
public func closeOnExecPipe() throws -> (read: Int32, write: Int32) {
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { throw K8sVMError("pipe: \(String(cString: strerror(errno)))") }
    for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    return (fds[0], fds[1])
}
