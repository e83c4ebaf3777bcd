import ArgumentParser
import Foundation
import K8sVMBuilder
import K8sVMCore

/// The process entry: a builder verb when invoked as `detect`/`build`/`release`/`run`, else the `k8svm` commands.
@main
enum K8sVMMain {
    static func main() async {
        TerminationSignals.shared.install()

        let invokedAs = CommandLine.arguments[0]
        if let verb = BuilderVerb(rawValue: (invokedAs as NSString).lastPathComponent) {
            let code = await verb.main(arguments: Array(CommandLine.arguments.dropFirst()),
                                       builderDirectory: BuilderLocation.builderDirectory(invokedAs: invokedAs))
            exit(code)
        }
        do {
            var command = try K8sVMCommand.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            K8sVMCommand.exit(withError: error)
        }
    }
}
