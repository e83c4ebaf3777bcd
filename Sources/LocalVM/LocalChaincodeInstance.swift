import Foundation
import K8sVMCore
import PeerContract

/// A chaincode running as a local child process, with its TLS files in a private directory that is removed when
/// it ends.
public final class LocalChaincodeInstance: SignalForwarding {
    public let process: ChildProcess
    private let tlsDirectory: PrivateDirectory

    private init(process: ChildProcess, tlsDirectory: PrivateDirectory) {
        self.process = process
        self.tlsDirectory = tlsDirectory
    }

    /// Writes the TLS files, then starts the build's executable (relative to `buildDirectory`, or absolute) with the
    /// shim's variables and start arguments. Nothing is left behind when this throws.
    public static func start(build: ExecutableBuild, buildDirectory: String, connection: PeerConnection,
                             environment: [String: String],
                             output: ChildProcess.Output = .parentStandardError) async throws -> LocalChaincodeInstance {
        let directory = try PrivateDirectory(prefix: "k8svm-run-", environment: environment)
        do {
            let shim = ShimEnvironment(connection: connection, tlsDirectory: directory.path)
            for (name, contents) in shim.files.sorted(by: { $0.key < $1.key }) {
                try directory.write(contents, to: name)
            }
            var childEnvironment = environment
            for (name, value) in shim.variables { childEnvironment[name] = value }
            let arguments = try shim.expanding(build.arguments)
            let process = try ChildProcess(.init(
                executable: build.executablePath(inBuildDirectory: buildDirectory), arguments: arguments,
                environment: childEnvironment, workingDirectory: buildDirectory, output: output))
            return LocalChaincodeInstance(process: process, tlsDirectory: directory)
        } catch {
            directory.remove()
            throw error
        }
    }

    public func stop(grace: Duration) async {
        await stop(signal: SIGTERM, grace: grace)
    }

    public func stop(signal: Int32, grace: Duration) async {
        await process.terminate(signal: signal, grace: grace)
    }

    /// Waits for the process to end, then removes its TLS directory.
    public func wait() async -> ExitStatus {
        let status = await process.wait()
        tlsDirectory.remove()
        return status
    }
}
