import ArgumentParser
import Foundation
import K8sVMBuilder

/// `k8svm builder <verb> …`: the builder verbs for people, with the same argv as the peer uses.
struct BuilderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "builder",
        abstract: "Run one verb of the external-builder contract by hand.",
        subcommands: [Verb<DetectName>.self, Verb<BuildName>.self, Verb<ReleaseName>.self, Verb<RunName>.self]
    )

    /// One verb; its arguments are passed through untouched so the verb itself checks them as it does for the peer.
    struct Verb<Name: VerbName>: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: Name.verb.rawValue, abstract: "k8svm builder \(Name.verb.usage)")
        }

        @Option(help: "The installed builder directory whose k8svm.yaml applies (default: next to this program's bin/).")
        var builderDirectory: String?

        @Argument(parsing: .captureForPassthrough, help: .init(Name.verb.argumentNames.joined(separator: " ")))
        var arguments: [String] = []

        func run() async throws {
            let directory = builderDirectory ?? BuilderLocation.builderDirectory(invokedAs: CommandLine.arguments[0])
            let code = Backends.runVerb(Name.verb, arguments: arguments, builderDirectory: directory)
            if code != 0 { throw ExitCode(code) }
        }
    }
}

/// Names a verb at the type level, so one generic command serves all four.
protocol VerbName { static var verb: BuilderVerb { get } }
enum DetectName: VerbName { static let verb = BuilderVerb.detect }
enum BuildName: VerbName { static let verb = BuilderVerb.build }
enum ReleaseName: VerbName { static let verb = BuilderVerb.release }
enum RunName: VerbName { static let verb = BuilderVerb.run }
