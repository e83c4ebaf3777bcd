import ArgumentParser
import DevMode
import Foundation
import K8sVMCore
import SandboxService
import SandboxVM

/// `k8svm sandbox`: untrusted chaincode built and run inside bubblewrap, reaching only its debug peer.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Build and run untrusted chaincode in a bubblewrap sandbox that can reach only the debug peer.",
        discussion: "Limits and paths come from the sandbox.* settings (k8svm config show).",
        subcommands: [Run.self, Serve.self]
    )

    /// The effective sandbox settings (K8SVM_CONFIG and K8SVM_SANDBOX_* variables).
    static func settings() throws -> SandboxSettings {
        try Backends.configuration(builderDirectory: nil, environment: ProcessInfo.processInfo.environment)[SandboxSettings.self]
    }

    /// `k8svm sandbox run PATH`.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build a chaincode (a Go module or an executable) in a sandbox and run it in one against the debug peer.")

        @Argument(help: "A Go module or package directory, or an executable.") var path: String
        @Option(help: "The chaincode name (default: the directory's name); it registers as NAME:1.0.") var name: String?
        @OptionGroup var peerOptions: DevCommand.PeerOptions

        func run() async throws {
            let code = try await reportingErrors {
                try await SandboxRunSession(path: path, name: name, servers: peerOptions.servers, settings: try settings(),
                                            environment: ProcessInfo.processInfo.environment).run()
            }
            if code != 0 { throw ExitCode(code) }
        }
    }

    /// `k8svm sandbox serve`.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the editor-backend API: create, watch, invoke and stop sandboxed debug runs over HTTP.")

        @Option(help: "Where the API listens (keep it on loopback).") var api = "127.0.0.1:7090"
        @Option(help: "Debug runs active at once.") var maxRuns = 8

        func run() async throws {
            let code = try await reportingErrors {
                try await EditorBackend(api: api, maxRuns: maxRuns, settings: try settings(),
                                        environment: ProcessInfo.processInfo.environment).run()
            }
            if code != 0 { throw ExitCode(code) }
        }
    }
}
