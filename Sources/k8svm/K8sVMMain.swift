import ArgumentParser
import Foundation
import K8sVMBuilder
import K8sVMCore
import SandboxVM

/// The process entry: a builder verb when invoked as `detect`/`build`/`release`/`run`, a sandbox's init when invoked
/// as `sandbox-init`, else the `k8svm` commands.
@main
enum K8sVMMain {
    static func main() {
        let invokedAs = CommandLine.arguments[0]
        let programName = String(invokedAs.split(separator: "/").last ?? "")
        if let verb = BuilderVerb(rawValue: programName) {
            exit(verb.main(arguments: Array(CommandLine.arguments.dropFirst()),
                           builderDirectory: BuilderLocation.builderDirectory(invokedAs: invokedAs)))
        }
        if programName == SandboxInit.programName {
            exit(SandboxInit.main(arguments: Array(CommandLine.arguments.dropFirst())))
        }
        TerminationSignals.shared.install()
        do {
            var command = try K8sVMCommand.parseAsRoot()
            if let asyncCommand = command as? any AsyncParsableCommand {
                nonisolated(unsafe) var runnable = asyncCommand
                try BlockingTask.run { try await runnable.run() }
            } else {
                try command.run()
            }
        } catch {
            K8sVMCommand.exit(withError: error)
        }
    }
}
