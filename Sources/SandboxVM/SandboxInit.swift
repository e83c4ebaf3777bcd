import CSandbox
import Foundation
import K8sVMCore
#if canImport(Glibc)
import Glibc
#endif

/// `k8svm sandbox init`, the first program inside a sandbox: it opens the relay to the peer (127.0.0.1:PORT →
/// the bound unix socket), starts the command under the limits with its output on standard output, waits for it,
/// and reports how it ended — naming the limit it ran into — as one line on standard error, which only the host reads.
public struct SandboxInit: Sendable {
    /// The line the host looks for on the init's standard error.
    public static let endMarker = "end: "

    public var limits: SandboxLimits
    public var relay: SandboxSpec.Relay?
    public var command: [String]

    public init(limits: SandboxLimits, relay: SandboxSpec.Relay?, command: [String]) {
        self.limits = limits
        self.relay = relay
        self.command = command
    }

    /// Runs the command and returns the exit code to end with (the command's, or 128 + its signal).
    public func run() -> Int32 {
        _ = k8svm_sandbox_protect_self()
        var relayEnd: StreamRelay?
        if let relay {
            do {
                relayEnd = try StreamRelay(listening: .tcp(host: "127.0.0.1", port: relay.port), target: .unix(path: relay.socket),
                                           mode: .handOver, report: { Self.report($0) })
            } catch {
                Self.report("\(Self.endMarker)the relay to the peer could not start: \(error)")
                return 125
            }
        }
        defer { relayEnd?.close() }
        guard let program = command.first else {
            Self.report("\(Self.endMarker)no command")
            return 125
        }
        let argv = command.map { strdup($0) } + [nil]
        let envp = ProcessInfo.processInfo.environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var step: UnsafePointer<CChar>?
        let pid = limits.resourceLimits.withUnsafeBufferPointer { limitsBuffer in
            k8svm_sandbox_spawn(program, argv, envp, STDOUT_FILENO, limitsBuffer.baseAddress, Int32(limitsBuffer.count), &step)
        }
        guard pid > 0 else {
            let reason = String(cString: strerror(errno))
            Self.report("\(Self.endMarker)cannot start \(program): \(step.map { String(cString: $0) } ?? "spawn") failed: \(reason)")
            return 126
        }
        var raw: Int32 = 0
        var usage = rusage()
        while wait4(pid, &raw, 0, &usage) < 0, errno == EINTR {}
        let status: ExitStatus = (raw & 0x7f) == 0 ? .exited((raw >> 8) & 0xff) : .signaled(raw & 0x7f)
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1_000_000
        Self.report(Self.endMarker + limits.describeEnd(status, cpuTime: cpu, peakResident: usage.ru_maxrss * 1024))
        return status.code
    }

    private static func report(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
