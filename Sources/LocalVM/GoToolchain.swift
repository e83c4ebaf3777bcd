import Foundation
#if canImport(Glibc)
import Glibc
#endif
import K8sVMCore

/// The Go toolchain a build uses: found in PATH, and asked for its release.
public struct GoToolchain: Sendable {
    /// The `go` executable.
    public let command: String
    /// Its release as `go env GOVERSION` prints it (`go1.22.4`).
    public let version: String

    /// Resolves `goCommand` (a name in PATH or a path) and reads its version; `setting` names the option that
    /// chooses it, for the error when there is no Go.
    public static func find(_ goCommand: String, environment: [String: String], setting: String) async throws -> GoToolchain {
        let command: String
        do {
            command = try ChildProcess.resolve(goCommand, path: environment["PATH"])
        } catch {
            throw K8sVMError("golang packages need Go on this host: \(goCommand) was not found in PATH (install Go or set \(setting))")
        }
        let (read, write) = try closeOnExecPipe()
        let process: ChildProcess
        do {
            process = try ChildProcess(.init(executable: command, arguments: ["env", "GOVERSION"], environment: environment,
                                             output: .descriptor(write)))
        } catch {
            close(read)
            close(write)
            throw error
        }
        close(write)
        let output = String(decoding: FileHandle(fileDescriptor: read, closeOnDealloc: true).readDataToEndOfFile(), as: UTF8.self)
        guard await process.wait() == .exited(0) else {
            throw K8sVMError("\(command) env GOVERSION failed: \(output.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return GoToolchain(command: command, version: output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Throws, in one line naming both releases, when `plan`'s module needs a newer Go than this toolchain;
    /// `setting` names the option that picks another.
    public func check(_ plan: GoBuildPlan, setting: String) throws {
        if let refusal = plan.toolchainRefusal(toolchainVersion: version, toolchain: command) {
            throw K8sVMError("\(refusal); set \(setting) to a newer Go")
        }
    }
}
