import ArgumentParser
import Foundation
import K8sVMCore

/// `k8svm config show`: the effective configuration and where each value came from.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Inspect configuration.", subcommands: [Show.self])

    /// Prints the effective settings.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the effective configuration as YAML.")

        @Option(help: "The installed builder directory whose k8svm.yaml applies (default: next to this program's bin/).")
        var builderDirectory: String?

        func run() async throws {
            let directory = builderDirectory ?? BuilderLocation.builderDirectory(invokedAs: CommandLine.arguments[0])
            let configuration = try await reportingErrors {
                try Backends.configuration(builderDirectory: directory, environment: ProcessInfo.processInfo.environment)
            }
            print(configuration.rendered(), terminator: "")
        }
    }
}
