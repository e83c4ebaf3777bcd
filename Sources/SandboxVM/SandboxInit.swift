import CSandbox
import Foundation
import K8sVMCore
#if canImport(Glibc)
import Glibc
#endif

/// The first program inside a sandbox: k8svm invoked as `sandbox-init`. It opens the relay to the peer
/// (127.0.0.1:PORT → the bound unix socket), starts the command under the limits with its output on standard output,
/// waits for it, and reports how it ended — naming the limit it ran into — as one line on standard error, which only
/// the host reads.
///
/// It is dispatched on its program name, before any command-line framework starts: every launch pays for its start.
public struct SandboxInit: Sendable {
    /// The line the host looks for on the init's standard error.
    public static let endMarker = "end: "
    /// The name k8svm is bound under inside a sandbox, which makes it this init.
    public static let programName = "sandbox-init"

    public var limits: SandboxLimits
    public var relay: SandboxSpec.Relay?
    public var command: [String]

    public init(limits: SandboxLimits, relay: SandboxSpec.Relay?, command: [String]) {
        self.limits = limits
        self.relay = relay
        self.command = command
    }

    /// The init's arguments: `--cpu-seconds N … [--relay-port P --relay-socket PATH] -- COMMAND…`.
    public var arguments: [String] {
        var result = SandboxLimits.options.flatMap { [$0.name, String(limits[keyPath: $0.field])] }
        if let relay { result += ["--relay-port", String(relay.port), "--relay-socket", relay.socket] }
        return result + ["--"] + command
    }

    /// Reads ``arguments``; anything else is an error naming the argument.
    public init(arguments: [String]) throws {
        var limits = SandboxLimits(cpuSeconds: 0, memory: 0, processes: 0, openFiles: 0, fileSize: 0)
        var given: Set<String> = []
        var relayPort: Int?
        var relaySocket: String?
        var rest = arguments[...]
        while let option = rest.popFirst(), option != "--" {
            guard let value = rest.popFirst() else { throw K8sVMError("\(option) needs a value") }
            if let limit = SandboxLimits.options.first(where: { $0.name == option }) {
                guard let number = Int(value), number >= 0 else { throw K8sVMError("\(option) \(value) is not a number") }
                limits[keyPath: limit.field] = number
                given.insert(option)
            } else if option == "--relay-port", let port = Int(value) {
                relayPort = port
            } else if option == "--relay-socket" {
                relaySocket = value
            } else {
                throw K8sVMError("unknown argument \(option) \(value)")
            }
        }
        if let missing = SandboxLimits.options.first(where: { !given.contains($0.name) }) {
            throw K8sVMError("\(missing.name) is missing")
        }
        self.init(limits: limits, relay: relayPort.flatMap { port in relaySocket.map { .init(port: port, socket: $0) } },
                  command: Array(rest))
    }

    /// The init as a process: reads its arguments and returns the exit code to end with.
    public static func main(arguments: [String]) -> Int32 {
        do {
            return try SandboxInit(arguments: arguments).run()
        } catch {
            report("\(endMarker)\(programName): \(error)")
            return 125
        }
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
