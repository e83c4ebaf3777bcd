import Foundation
import K8sVMCore
#if canImport(Glibc)
import Glibc
#endif

/// The kernel-enforced limits of one sandboxed process tree, set with `setrlimit` by the sandbox's init just before
/// it execs the chaincode (or the build), and how a process that ran into one is described to a user.
public struct SandboxLimits: Sendable, Equatable {
    public var cpuSeconds: Int
    public var memory: Int
    public var processes: Int
    public var openFiles: Int
    public var fileSize: Int

    public init(cpuSeconds: Int, memory: Int, processes: Int, openFiles: Int, fileSize: Int) {
        self.cpuSeconds = cpuSeconds
        self.memory = memory
        self.processes = processes
        self.openFiles = openFiles
        self.fileSize = fileSize
    }

    /// The limits of `settings` (CPU time rounded up to whole seconds).
    public init(_ settings: SandboxSettings) {
        let seconds = settings.cpuTime.components.seconds + (settings.cpuTime.components.attoseconds > 0 ? 1 : 0)
        self.init(cpuSeconds: max(1, Int(seconds)), memory: settings.memory, processes: settings.processes,
                  openFiles: settings.openFiles, fileSize: settings.fileSize)
    }

    /// As options of the sandbox's init, each with the field it carries (the init sets the rlimits from them: CPU soft at
    /// the limit (SIGXCPU) and hard one second later (SIGKILL), the others soft = hard, and no core dumps).
    static let options: [(name: String, field: WritableKeyPath<SandboxLimits, Int> & Sendable)] = [
        ("--cpu-seconds", \.cpuSeconds), ("--memory", \.memory), ("--processes", \.processes),
        ("--open-files", \.openFiles), ("--file-size", \.fileSize),
    ]

    /// What a user reads about a process that ended with `status` after using `cpuTime` seconds of CPU and at most
    /// `peakResident` bytes of memory: the limit it ran into, when one explains the end.
    public func describeEnd(_ status: ExitStatus, cpuTime: Double, peakResident: Int) -> String {
        let memoryLimit = "address-space limit (\(Self.readable(memory)))"
        switch status {
        case .signaled(SIGXCPU):
            return "killed: CPU time limit (\(cpuSeconds) s) exceeded"
        case .signaled(SIGKILL) where cpuTime >= Double(cpuSeconds):
            return "killed: CPU time limit (\(cpuSeconds) s) exceeded"
        case .signaled(SIGXFSZ):
            return "killed: file size limit (\(Self.readable(fileSize))) exceeded"
        case .signaled(let signal) where peakResident >= memory / 2:
            return "killed by signal \(signal) after running out of memory: \(memoryLimit) reached"
        case .exited(let code) where code != 0 && peakResident >= memory / 2:
            return "exited with code \(code) after running out of memory: \(memoryLimit) reached"
        default:
            return status.description
        }
    }

    /// `268435456` → `256 MiB`.
    public static func readable(_ bytes: Int) -> String {
        for (unit, size) in [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] where bytes >= size && bytes % size == 0 {
            return "\(bytes / size) \(unit)"
        }
        return "\(bytes) bytes"
    }
}
