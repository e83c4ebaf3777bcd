import Foundation
import K8sVMCore
#if canImport(Glibc)
import Glibc
#endif

/// The first program inside a sandbox: k8svm invoked as `sandbox-init`, which runs `k8svm_sandbox_init.c` (CSandbox)
/// from a constructor, before the rest of k8svm starts. It opens the relay to the peer (127.0.0.1:PORT → the bound unix
/// socket), starts the command under the limits with its output on standard output, waits for it, and reports how it
/// ended as one line on standard error, which only the host reads and words (`SandboxEndReport`).
public struct SandboxInit: Sendable {
    /// The line of an init that could not start the command: `end: MESSAGE`.
    public static let endMarker = "end: "
    /// The line of an init whose command ended: `end-status: WAIT_STATUS CPU_MICROSECONDS PEAK_RESIDENT_KIB`.
    public static let statusMarker = "end-status: "
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
        var result = SandboxLimits.options.map { [$0.name, String(limits[keyPath: $0.field])] }.flatMap { $0 }
        if let relay { result += ["--relay-port", String(relay.port), "--relay-socket", relay.socket] }
        return result + ["--"] + command
    }

    /// How the command ended, in words, from the init's report line; nil when `line` is no report.
    public func describe(reportLine line: String) -> String? {
        if line.hasPrefix(Self.endMarker) { return String(line.dropFirst(Self.endMarker.count)) }
        guard line.hasPrefix(Self.statusMarker) else { return nil }
        let fields = line.dropFirst(Self.statusMarker.count).split(separator: " ").compactMap { Int($0) }
        guard fields.count == 3 else { return nil }
        let raw = Int32(truncatingIfNeeded: fields[0])
        let status: ExitStatus = (raw & 0x7f) == 0 ? .exited((raw >> 8) & 0xff) : .signaled(raw & 0x7f)
        return limits.describeEnd(status, cpuTime: Double(fields[1]) / 1_000_000, peakResident: fields[2] * 1024)
    }
}
