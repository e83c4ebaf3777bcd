import ArgumentParser
import Foundation
import K8sVMBuilder
import K8sVMCore

/// The process entry: a builder verb when invoked as `detect`/`build`/`release`/`run`, else the `k8svm` commands.
/// (Invoked as `sandbox-init`, k8svm is a sandbox's init, which takes over before this: see CSandbox.)
@main
enum K8sVMMain {
    static func main() {
        K8sVMLog.bootstrap()
        let invokedAs = CommandLine.arguments[0]
        if let verb = BuilderVerb(rawValue: String(invokedAs.split(separator: "/").last ?? "")) {
            exit(Backends.runVerb(verb, arguments: Array(CommandLine.arguments.dropFirst()),
                                  builderDirectory: BuilderLocation.builderDirectory(invokedAs: invokedAs)))
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
