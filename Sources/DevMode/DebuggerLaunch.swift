import Foundation
import K8sVMCore

/// `--debug`: the chaincode starts under a debugger server listening on loopback.
enum DebuggerLaunch {
    /// The port debuggers listen on.
    static let port = 2345

    /// Rewrites a record so its executable runs under `dlv` (Go) or `gdbserver` (native code), and says how to attach.
    static func wrap(_ record: BuildRecord, environment: [String: String]) throws -> (BuildRecord, String) {
        guard let executable = record.executable else { throw K8sVMError("nothing to debug") }
        var wrapped = record
        if record.type == .golang, let dlv = find("dlv", environment) {
            wrapped.executable = dlv
            wrapped.arguments = ["exec", "--headless", "--listen=127.0.0.1:\(port)", "--api-version=2",
                                 "--accept-multiclient", executable, "--"] + record.arguments
            return (wrapped, "attach with: dlv connect 127.0.0.1:\(port)")
        }
        guard let gdbserver = find("gdbserver", environment) else {
            throw K8sVMError("--debug needs \(record.type == .golang ? "dlv or gdbserver" : "gdbserver") on PATH (Debian: apt-get install \(record.type == .golang ? "delve" : "gdbserver"))")
        }
        wrapped.executable = gdbserver
        wrapped.arguments = ["127.0.0.1:\(port)", executable] + record.arguments
        return (wrapped, "attach with: gdb \(executable) -ex 'target remote 127.0.0.1:\(port)'")
    }

    private static func find(_ name: String, _ environment: [String: String]) -> String? {
        (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
