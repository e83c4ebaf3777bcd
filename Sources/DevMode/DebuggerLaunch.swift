import Foundation
import K8sVMCore
import LocalVM

/// `--debug`: the chaincode starts under a debugger server listening on loopback.
enum DebuggerLaunch {
    /// The port debuggers listen on.
    static let port = 2345

    /// Rewrites a build so its executable runs under `dlv` (Go) or `gdbserver` (native code), and says how to attach.
    static func wrap(_ build: ExecutableBuild, isGo: Bool, environment: [String: String]) throws -> (ExecutableBuild, String) {
        let executable = build.executable
        if isGo, let dlv = find("dlv", environment) {
            let arguments = ["exec", "--headless", "--listen=127.0.0.1:\(port)", "--api-version=2",
                             "--accept-multiclient", executable, "--"] + build.arguments
            return (ExecutableBuild(executable: dlv, arguments: arguments), "attach with: dlv connect 127.0.0.1:\(port)")
        }
        guard let gdbserver = find("gdbserver", environment) else {
            throw K8sVMError("--debug needs \(isGo ? "dlv or gdbserver" : "gdbserver") on PATH (Debian: apt-get install \(isGo ? "delve" : "gdbserver"))")
        }
        return (ExecutableBuild(executable: gdbserver, arguments: ["127.0.0.1:\(port)", executable] + build.arguments),
                "attach with: gdb \(executable) -ex 'target remote 127.0.0.1:\(port)'")
    }

    private static func find(_ name: String, _ environment: [String: String]) -> String? {
        (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
