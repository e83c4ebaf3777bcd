import DebugPeer
import Foundation
import K8sVMCore
import LocalVM
import PeerContract

/// `k8svm dev run`: build a chaincode, start the embedded debug peer (or use a real dev-mode peer), launch the
/// chaincode through the local VM, restart it on source changes, and stop everything on Ctrl-C.
public struct DevSession: Sendable {
    /// What `k8svm dev run` was asked to do.
    public struct Options: Sendable {
        public var path: String
        public var name: String?
        public var version: String
        /// A running peer in dev mode (`peer node start --peer-chaincodedev`); nil starts the embedded debug peer.
        public var peer: String?
        public var servers: DevPeerServers.Options
        public var watch: Bool
        public var debug: Bool

        public init(path: String, name: String? = nil, version: String = "1.0", peer: String? = nil,
                    servers: DevPeerServers.Options = .init(), watch: Bool = false, debug: Bool = false) {
            self.path = path
            self.name = name
            self.version = version
            self.peer = peer
            self.servers = servers
            self.watch = watch
            self.debug = debug
        }
    }

    let options: Options
    let environment: [String: String]

    public init(options: Options, environment: [String: String]) {
        self.options = options
        self.environment = environment
    }

    /// Why the current chaincode process stopped being the current one.
    private enum Event: Sendable {
        case exited(ExitStatus)
        case sourcesChanged(Int)
        case signal(Int32)
    }

    /// Runs until Ctrl-C (or, without `--watch`, until the chaincode exits); returns the exit code for k8svm.
    public func run() async throws -> Int32 {
        let source = try DevChaincodeSource.detect(options.path)
        let name = options.name ?? source.defaultName
        let chaincodeID = "\(name):\(options.version)"
        let signals = SignalLatch()
        TerminationSignals.shared.setHandler { signals.deliver($0) }
        defer { TerminationSignals.shared.setHandler(nil) }

        let servers: DevPeerServers? = options.peer == nil ? try await DevPeerServers.start(options.servers) : nil
        let scratch = try PrivateDirectory(prefix: "k8svm-dev-", environment: environment)
        defer { scratch.remove() }
        servers?.announce()
        let watcher = SourceWatcher(path: source.watchedPath)
        var fingerprint = watcher.fingerprint()
        var exitCode: Int32 = 0

        sessions: while true {
            let launched: (LocalChaincodeInstance, PrefixedLog, RegistrationAnnouncement?)?
            do {
                launched = try await launch(source: source, name: name, chaincodeID: chaincodeID, scratch: scratch, servers: servers)
            } catch let error as K8sVMError where options.watch {
                say("\(error.message) — waiting for a change to the sources")
                launched = nil
            }
            let event: Event = await withTaskGroup(of: Event?.self) { group in
                if let (instance, _, _) = launched {
                    group.addTask { .exited(await instance.wait()) }
                }
                if options.watch {
                    let baseline = fingerprint
                    group.addTask { await watcher.change(from: baseline).map(Event.sourcesChanged) }
                }
                group.addTask { await signals.next().map(Event.signal) }
                var first: Event?
                while first == nil, let next = await group.next() { first = next }
                if let (instance, _, _) = launched {
                    // Whatever happened first, the chaincode is stopped before the next one starts.
                    if case .exited = first {} else { await instance.stop(grace: .seconds(3)) }
                }
                group.cancelAll()
                return first ?? .signal(SIGTERM)
            }
            if let (_, log, announcement) = launched {
                announcement?.cancel()
                await log.finish()
            }
            switch event {
            case .exited(let status):
                if let (_, log, announcement) = launched, let announcement, !announcement.happened {
                    // Ended before it ever registered: most often a start-up failure its last lines explain.
                    let lines = log.lastLines
                    say("chaincode \(chaincodeID) \(status) before it registered with the debug peer"
                        + (lines.isEmpty ? " (it printed nothing)" : "; its last lines:"))
                    for line in lines { say("  | \(line)") }
                } else {
                    say("chaincode \(chaincodeID) \(status)")
                }
                exitCode = status.code
                if !options.watch { break sessions }
                say("waiting for a change to the sources to rebuild and restart")
                if let changed = await watcher.change(from: fingerprint) { fingerprint = changed } else { break sessions }
            case .sourcesChanged(let changed):
                fingerprint = changed
                say("sources changed: rebuilding \(name)")
                if let servers { await servers.peer.waitForDeregistration(of: chaincodeID) }
            case .signal(let signal):
                say("signal \(signal): stopping")
                exitCode = 128 + signal
                break sessions
            }
        }
        if let servers { await servers.stop() }
        return exitCode
    }

    /// Builds the chaincode and starts it against the peer; its log lines are prefixed with its name.
    private func launch(source: DevChaincodeSource, name: String, chaincodeID: String, scratch: PrivateDirectory,
                        servers: DevPeerServers?) async throws -> (LocalChaincodeInstance, PrefixedLog, RegistrationAnnouncement?) {
        say("building \(source.watchedPath)")
        var build = try await source.build(scratchDirectory: scratch.path, environment: environment)
        let connection: PeerConnection
        if let servers {
            // The same chaincode.json a real peer writes, read by the same code as the builder's run.
            connection = try PeerConnection.decode(try servers.peer.launchConfiguration(chaincodeID: chaincodeID).encoded(),
                                                   source: "debug peer chaincode.json")
        } else {
            connection = PeerConnection(chaincodeID: chaincodeID, peerAddress: options.peer!)
        }
        if options.debug {
            let (wrapped, howToAttach) = try DebuggerLaunch.wrap(build, isGo: source.isGo, environment: environment)
            build = wrapped
            say("debugger listening on 127.0.0.1:\(DebuggerLaunch.port); \(howToAttach)")
        }
        let log = try PrefixedLog(prefix: "[\(name)] ")
        let instance: LocalChaincodeInstance
        do {
            instance = try await LocalChaincodeInstance.start(
                build: build, buildDirectory: scratch.path, connection: connection, environment: environment,
                output: .descriptor(log.writeDescriptor))
        } catch {
            log.closeWriteEnd()
            throw error
        }
        log.closeWriteEnd()
        say("started \(chaincodeID) (pid \(instance.process.pid)) against \(connection.peerAddress)")
        let announcement = servers.map { servers in
            RegistrationAnnouncement(of: chaincodeID, on: servers.peer,
                                     saying: "\(chaincodeID) registered; try: k8svm dev invoke \(name) '{\"Args\":[...]}'")
        }
        return (instance, log, announcement)
    }
}

/// One line of k8svm's own on stderr.
func say(_ text: String) {
    K8sVMLog.line("k8svm dev: \(text)")
}
