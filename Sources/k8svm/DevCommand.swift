import ArgumentParser
import DevMode
import Foundation
import K8sVMCore

/// `k8svm dev`: run and debug chaincode as a local process, against the embedded debug peer or a real dev-mode peer.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Run chaincode locally against an embedded debug peer (no Fabric network needed).",
        subcommands: [Peer.self, Run.self, Invoke.self, Query.self]
    )

    /// Where the embedded peer listens; shared by `dev peer` and `dev run`.
    struct PeerOptions: ParsableArguments {
        @Flag(help: "Require mutual TLS, with certificates from the peer's own CA, as a production peer does.")
        var tls = false
        @Option(help: "The chaincode listener (gRPC).") var listen = "127.0.0.1:7052"
        @Option(help: "The HTTP/JSON API for invoke, query, state and events.") var api = "127.0.0.1:7080"
        @Option(help: "Keep the world state in this JSON file across restarts.") var state: String?
        @Option(name: .customLong("chaincode"),
                help: "A chaincode started elsewhere (an IDE, go run, any shim), as NAME:VERSION: its chaincode.json, TLS files and variables are written under --material-dir. Repeatable.")
        var chaincodes: [String] = []
        @Option(help: "Where the material for --chaincode goes, one NAME_VERSION directory each (removed on exit).")
        var materialDir = "k8svm-dev-material"

        var servers: DevPeerServers.Options {
            .init(listen: listen, api: api, tls: tls, stateFile: state, chaincodes: chaincodes, materialDirectory: materialDir)
        }
    }

    /// `k8svm dev peer`.
    struct Peer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start the debug peer and its API until Ctrl-C.")
        @OptionGroup var peer: PeerOptions

        func run() async throws {
            let code = try await reportingErrors { try await DevPeerCommandRunner.run(peer.servers) }
            if code != 0 { throw ExitCode(code) }
        }
    }

    /// `k8svm dev run PATH`.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build a chaincode (Go, Swift or an executable) and run it against the debug peer.")

        @Argument(help: "A Go module, a Swift package, or an executable.") var path: String
        @Option(help: "The chaincode name (default: the directory's name).") var name: String?
        @Option(help: "The chaincode version: the chaincode registers as NAME:VERSION.") var version = "1.0"
        @Option(help: "Use a running peer in dev mode (peer node start --peer-chaincodedev) instead of the embedded one.")
        var peer: String?
        @Flag(help: "Rebuild and restart when the sources change.") var watch = false
        @Flag(help: "Start the chaincode under a debugger listening on 127.0.0.1:2345 (dlv for Go, else gdbserver).")
        var debug = false
        @OptionGroup var peerOptions: PeerOptions

        func run() async throws {
            let options = DevSession.Options(path: path, name: name, version: version, peer: peer,
                                             servers: peerOptions.servers, watch: watch, debug: debug)
            let code = try await reportingErrors {
                try await DevSession(options: options, environment: ProcessInfo.processInfo.environment).run()
            }
            if code != 0 { throw ExitCode(code) }
        }
    }

    /// Arguments shared by `dev invoke` and `dev query`.
    struct TransactionOptions: ParsableArguments {
        @Argument(help: "The chaincode name.") var name: String
        @Argument(help: #"The arguments as JSON: '{"Args":["CreateAsset","a1"]}' or '{"function":"f","Args":[...]}'."#)
        var arguments: String
        @Option(help: "The debug peer's API.") var api = "127.0.0.1:7080"
        @Option(help: "The channel (default: the peer's devchannel).") var channel: String?

        func send(_ kind: String) throws {
            guard var body = (try? JSONSerialization.jsonObject(with: Data(arguments.utf8))) as? [String: Any] else {
                throw K8sVMError(#"the arguments must be a JSON object such as '{"Args":["ReadAsset","a1"]}'"#)
            }
            if let channel { body["channel"] = channel }
            let name = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._~:"))) ?? name
            let response = try LoopbackHTTPClient.send(method: "POST", address: api, path: "/chaincodes/\(name)/\(kind)",
                                                       body: try JSONSerialization.data(withJSONObject: body))
            let json = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
            guard (200..<300).contains(response.status), let json else {
                let message = json?["error"] as? String ?? String(decoding: response.body, as: UTF8.self)
                throw K8sVMError("\(kind) failed (HTTP \(response.status)): \(message)")
            }
            let status = json["status"] as? Int ?? 0
            if let payload = json["payload"] as? String { print(payload) }
            guard status < 400 else {
                throw K8sVMError("chaincode answered status \(status): \(json["message"] as? String ?? "")")
            }
        }
    }

    /// `k8svm dev invoke`.
    struct Invoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Invoke a chaincode: its writes are committed.")
        @OptionGroup var transaction: TransactionOptions
        func run() async throws { try await reportingErrors { try transaction.send("invoke") } }
    }

    /// `k8svm dev query`.
    struct Query: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Query a chaincode: its writes are discarded.")
        @OptionGroup var transaction: TransactionOptions
        func run() async throws { try await reportingErrors { try transaction.send("query") } }
    }
}
