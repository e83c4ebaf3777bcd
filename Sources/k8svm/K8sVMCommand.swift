import ArgumentParser
import K8sVMCore

/// `k8svm`: the Fabric external builder and launcher, and its tools for humans.
struct K8sVMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "k8svm",
        abstract: "Build and run Hyperledger Fabric chaincode without a Docker socket.",
        discussion: """
            Installed as bin/detect, bin/build, bin/release and bin/run (see install-builder), k8svm is a Fabric \
            external builder. The subcommands below are for people.
            """,
        version: K8sVMVersion.current,
        subcommands: [DevCommand.self, SandboxCommand.self, BuilderCommand.self, InstallBuilderCommand.self, PackageCommand.self,
                      ConfigCommand.self, DoctorCommand.self]
    )
}

/// Runs `body`, turning a K8sVMError into one line on stderr and its exit code.
func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as K8sVMError {
        K8sVMLog.line("k8svm: \(error.message)")
        throw ExitCode(error.exitCode)
    }
}
