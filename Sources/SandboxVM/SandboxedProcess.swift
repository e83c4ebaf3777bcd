import Foundation
import K8sVMCore
import LocalVM
#if canImport(Glibc)
import Glibc
#endif

/// How a sandboxed process ended, in a user's words.
public struct SandboxEnd: Sendable, Equatable, CustomStringConvertible {
    /// The exit status of the sandbox (the command's code, 128 + signal; or the sandbox's own when it was killed).
    public var status: ExitStatus
    /// E.g. `exited with code 0`, `killed: CPU time limit (10 s) exceeded`, `killed: wall-clock limit (5s) exceeded`.
    public var message: String

    public var description: String { message }
}

/// bubblewrap running one ``SandboxSpec`` as a child of k8svm (inheriting no descriptor of k8svm's but its output
/// pipes, so nothing of the host can be reached through bubblewrap's own descriptors): its command's output goes to a ``RunLog`` (at most
/// `logLimit` bytes; the rest is read and dropped), the init's report is read on a separate pipe, and a wall-clock
/// limit kills the whole sandbox (bubblewrap dies, and with it the sandbox's process namespace).
public final class SandboxedProcess: Sendable {
    private let process: ChildProcess
    private let readers = DispatchGroup()
    private let report: ReportReader
    private let stopped = StopReason()
    /// bubblewrap's process inside the sandbox (its pid 1), which outlives the outer one by a moment.
    private let inner: pid_t?

    /// The host pid of bubblewrap.
    public var pid: pid_t { process.pid }

    public init(spec: SandboxSpec, host: SandboxHost, log: RunLog, logLimit: Int) throws {
        let output = try closeOnExecPipe()
        let errors: (read: Int32, write: Int32)
        do { errors = try closeOnExecPipe() } catch {
            close(output.read); close(output.write)
            throw error
        }
        do {
            // As root, bubblewrap is started as the sandbox uid (the launcher drops to it between fork and exec).
            process = try ChildProcess(.init(executable: host.bwrap, arguments: spec.bubblewrapArguments(host: host),
                                             environment: host.environment,
                                             output: .separate(output: output.write, errors: errors.write),
                                             closeOtherDescriptors: true, runAsUser: host.sandboxUID.map { uid_t($0) }))
        } catch {
            [output.read, output.write, errors.read, errors.write].forEach { close($0) }
            throw error
        }
        close(output.write)
        close(errors.write)
        inner = Self.innerProcess(of: process.pid)
        report = ReportReader(init: SandboxInit(limits: spec.limits, relay: spec.relay, command: spec.command))
        Self.capture(output.read, into: log, limit: logLimit, group: readers)
        report.read(errors.read, log: log, group: readers)
    }

    /// Waits until the sandbox ends, killing it when `timeout` passes first; returns how it ended.
    public func wait(timeout: Duration) async -> SandboxEnd {
        let status: ExitStatus
        if let ended = await process.wait(timeout: timeout, grace: .milliseconds(500)) {
            status = ended
        } else {
            stopped.set("killed: wall-clock limit (\(timeout.configValue)) exceeded")
            status = await process.wait()
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            readers.notify(queue: .global()) { continuation.resume() }
        }
        if let inner { await Self.waitUntilGone(inner) }
        let message = stopped.value ?? report.end ?? "sandbox ended before its command started (\(status))"
        return SandboxEnd(status: status, message: message)
    }

    /// Kills the sandbox now; `wait` then reports `reason`.
    public func kill(reason: String) {
        stopped.set(reason)
        process.signal(SIGKILL)
    }

    /// The child bubblewrap forks into the new namespaces, found within a second of the start (nil if bubblewrap
    /// ended first).
    private static func innerProcess(of outer: pid_t) -> pid_t? {
        for _ in 0..<1000 {
            if let children = try? String(contentsOfFile: "/proc/\(outer)/task/\(outer)/children", encoding: .utf8),
               let first = children.split(separator: " ").first, let pid = pid_t(first) {
                return pid
            }
            guard Glibc.kill(outer, 0) == 0 else { return nil }
            usleep(1000)
        }
        return nil
    }

    /// Waits (at most 10 s) until `pid` has ended: once the sandbox's pid 1 is gone, so is every process in it.
    private static func waitUntilGone(_ pid: pid_t) async {
        for _ in 0..<2000 {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")"), !stat[close...].hasPrefix(") Z")
            else { return }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Copies up to `limit` bytes of the command's output into the log, then notes the cap and drops the rest.
    private static func capture(_ fd: Int32, into log: RunLog, limit: Int, group: DispatchGroup) {
        group.enter()
        Thread.detachNewThread {
            defer { close(fd); group.leave() }
            let size = 64 * 1024
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
            defer { buffer.deallocate() }
            var kept = 0
            var dropped = 0
            while true {
                let count = read(fd, buffer, size)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                let keep = max(0, min(count, limit - kept))
                if keep > 0 { log.append(Data(bytes: buffer, count: keep)) }
                kept += keep
                if keep < count {
                    if dropped == 0 { log.note("log capped at \(SandboxLimits.readable(limit)) (sandbox.logBytes); further output is discarded") }
                    dropped += count - keep
                }
            }
            if dropped > 0 { log.note("\(dropped) bytes of output discarded") }
        }
    }
}

/// Reads the init's standard error: its report line, worded, and anything else (bubblewrap's own errors) as k8svm lines.
private final class ReportReader: @unchecked Sendable {
    private let lock = NSLock()
    private let sandboxInit: SandboxInit
    private var endLine: String?

    init(init sandboxInit: SandboxInit) {
        self.sandboxInit = sandboxInit
    }

    var end: String? { lock.withLock { endLine } }

    func read(_ fd: Int32, log: RunLog, group: DispatchGroup) {
        group.enter()
        Thread.detachNewThread { [self] in
            let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
            var text = Data()
            // The init writes a few short lines; bound what a confused sandbox could send.
            while text.count < 64 * 1024 {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                text.append(chunk)
            }
            for line in String(decoding: text, as: UTF8.self).split(separator: "\n").map(String.init) {
                if let report = sandboxInit.describe(reportLine: line) {
                    lock.withLock { endLine = report }
                } else {
                    log.note(line)
                }
            }
            group.leave()
        }
    }
}

/// The reason k8svm itself ended a sandbox, if it did (the first one given wins).
private final class StopReason: @unchecked Sendable {
    private let lock = NSLock()
    private var reason: String?

    var value: String? { lock.withLock { reason } }

    func set(_ text: String) {
        lock.withLock { if reason == nil { reason = text } }
    }
}
