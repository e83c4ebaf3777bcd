import ArgumentParser
import Foundation
import K8sVMBuilder
import K8sVMCore
import NIOCore

/// The process entry: a builder verb when invoked as `detect`/`build`/`release`/`run`, else the `k8svm` commands.
/// (Invoked as `sandbox-init`, k8svm is a sandbox's init, which takes over before this: see CSandbox.)
@main
enum K8sVMMain {
    static func main() {
        K8sVMLog.bootstrap()
        let invokedAs = CommandLine.arguments[0]
        if let verb = BuilderVerb(rawValue: String(invokedAs.split(separator: "/").last ?? "")) {
            // A verb talks to one API server or registry at a time, which one event-loop thread serves; NIO would
            // start one per core, and a `run` waits for days on nodes with many. (A process-wide setting, made once.)
            NIOSingletons.groupLoopCountSuggestion = 1
            exit(verb.main(arguments: Array(CommandLine.arguments.dropFirst())) {
                try Backends.builderContext(builderDirectory: BuilderLocation.builderDirectory(invokedAs: invokedAs),
                                            environment: ProcessInfo.processInfo.environment)
            })
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
