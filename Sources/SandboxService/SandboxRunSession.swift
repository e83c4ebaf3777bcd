import DevMode
import Foundation
import K8sVMCore
import SandboxVM

/// `k8svm sandbox run PATH`: the debug peer and its API (as `k8svm dev run` starts them), and one sandboxed debug
/// run of PATH against it, its log on stderr; ends when the chaincode ends or on Ctrl-C, leaving nothing behind.
public struct SandboxRunSession: Sendable {
    public var path: String
    public var name: String?
    public var servers: DevPeerServers.Options
    public var settings: SandboxSettings
    public var environment: [String: String]

    public init(path: String, name: String?, servers: DevPeerServers.Options, settings: SandboxSettings,
                environment: [String: String]) {
        self.path = path
        self.name = name
        self.servers = servers
        self.settings = settings
        self.environment = environment
    }

    /// Runs until the chaincode ends (its sandbox's exit code) or a signal (128 + signal).
    public func run() async throws -> Int32 {
        let (source, defaultName) = try Self.source(for: path)
        let name = self.name ?? defaultName
        let host = try SandboxHost(settings: settings, environment: environment)
        let signals = AsyncStream<Int32>.makeStream()
        TerminationSignals.shared.setHandler { signals.continuation.yield($0) }
        defer { TerminationSignals.shared.setHandler(nil) }

        let peerServers = try await DevPeerServers.start(servers)
        say("debug peer listening on \(peerServers.peerAddress), API on http://\(peerServers.apiAddress)")
        let run = DebugRun.start(id: name, name: name, source: source, peer: peerServers.peer, host: host)
        let printer = Task { for await chunk in run.log.follow() { FileHandle.standardError.write(chunk) } }
        let stopper = Task {
            for await signal in signals.stream {
                say("signal \(signal): stopping")
                await run.stop(reason: "stopped by signal \(signal)")
                return signal
            }
            return Int32(0)
        }
        await run.waitUntilFinished()
        signals.continuation.finish()
        let signal = await stopper.value
        await printer.value
        await peerServers.stop()
        if signal != 0 { return 128 + signal }
        return run.phase == .failed ? 1 : (run.message?.hasSuffix("exited with code 0") == true ? 0 : 1)
    }

    /// PATH as a package: a Go module or package directory, or an executable (a file, or `chaincode` in a directory).
    static func source(for path: String) throws -> (DebugRun.Source, String) {
        let detected = try DevChaincodeSource.detect(path)
        switch detected {
        case .golang(let directory):
            return (.init(directory: directory, metadata: PackageMetadata(type: .golang, label: detected.defaultName, path: ".")),
                    detected.defaultName)
        case .binary(let executable):
            let directory = (executable as NSString).deletingLastPathComponent
            let metadata = PackageMetadata(type: .binary, label: detected.defaultName,
                                           executable: (executable as NSString).lastPathComponent)
            return (.init(directory: directory, metadata: metadata), detected.defaultName)
        case .swift:
            throw K8sVMError("\(path) is a Swift package: sandboxed builds have no network to resolve its dependencies; build it with `swift build` and pass the executable")
        }
    }
}

/// One line of k8svm's own on stderr.
func say(_ text: String) {
    K8sVMLog.line("k8svm sandbox: \(text)")
}
