import DebugPeer
import Foundation
import K8sVMCore
import PeerContract
import SandboxVM
import Synchronization

/// One debug run of untrusted chaincode: a sandboxed build, then the chaincode in a sandbox registered with its own
/// debug peer (so its world state is its own), with one log for both, until it ends, is stopped, or its time is up.
/// Its files are removed when it ends.
public final class DebugRun: Sendable {
    /// Where a run is.
    public enum Phase: String, Sendable, Codable {
        case building, starting, registered, ended, failed
    }

    /// What a run builds: a source directory (read only by the sandboxed build) and its package metadata.
    public struct Source: Sendable {
        public var directory: String
        public var metadata: PackageMetadata

        public init(directory: String, metadata: PackageMetadata) {
            self.directory = directory
            self.metadata = metadata
        }
    }

    public let id: String
    /// The chaincode's name; it registers as `NAME:1.0`.
    public let name: String
    public let peer: DebugPeer
    public let log = RunLog()
    public let created = Date()
    private let state = Mutex<(phase: Phase, message: String?, chaincode: SandboxedChaincode?, stopRequest: String?)>(
        (.building, nil, nil, nil))
    private let finished = Mutex<[CheckedContinuation<Void, Never>]?>([])

    public var chaincodeID: String { "\(name):1.0" }
    public var phase: Phase { state.withLock { $0.phase } }
    /// How the run failed or ended, once it has.
    public var message: String? { state.withLock { $0.message } }

    private init(id: String, name: String, peer: DebugPeer) {
        self.id = id
        self.name = name
        self.peer = peer
    }

    /// Starts building and running `source` against `peer` (already started); returns at once. `cleanup` runs once
    /// the run has ended and its sandbox and files are gone.
    public static func start(id: String, name: String, source: Source, peer: DebugPeer, host: SandboxHost,
                             cleanup: @escaping @Sendable () async -> Void = {}) -> DebugRun {
        let run = DebugRun(id: id, name: name, peer: peer)
        Task {
            await run.execute(source: source, host: host)
            await cleanup()
            run.markFinished()
        }
        return run
    }

    /// Stops the run (kills its sandbox or abandons its build) with `reason`; returns once it is gone.
    public func stop(reason: String = "stopped") async {
        let chaincode = state.withLock { state -> SandboxedChaincode? in
            if state.stopRequest == nil { state.stopRequest = reason }
            return state.chaincode
        }
        chaincode?.kill(reason: reason)
        await waitUntilFinished()
    }

    /// Returns once the run has ended and everything it used is removed.
    public func waitUntilFinished() async {
        await withCheckedContinuation { continuation in
            let done = finished.withLock { waiters -> Bool in
                guard waiters != nil else { return true }
                waiters!.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    private func markFinished() {
        let waiters = finished.withLock { waiters -> [CheckedContinuation<Void, Never>] in
            defer { waiters = nil }
            return waiters ?? []
        }
        waiters.forEach { $0.resume() }
    }

    private func execute(source: Source, host: SandboxHost) async {
        let buildDirectory: String
        do {
            buildDirectory = try host.makeDirectory(prefix: "out-")
        } catch {
            return end(.failed, "\(error)")
        }
        defer { try? FileManager.default.removeItem(atPath: buildDirectory) }
        do {
            log.note("building \(source.metadata.typeName) chaincode \(name)")
            let build = try await SandboxedBuild(host: host, log: log).run(BuildRequest(
                sourceDirectory: source.directory, metadata: source.metadata, buildDirectory: buildDirectory))
            let connection = try PeerConnection.decode(try peer.launchConfiguration(chaincodeID: chaincodeID).encoded(),
                                                       source: "debug peer chaincode.json")
            let chaincode = try state.withLock { state -> SandboxedChaincode in
                if let reason = state.stopRequest { throw K8sVMError(reason) }
                let chaincode = try SandboxedChaincode.start(build: build, buildDirectory: buildDirectory,
                                                             connection: connection, host: host, log: log)
                state.phase = .starting
                state.chaincode = chaincode
                return chaincode
            }
            log.note("started \(chaincodeID) in a sandbox (bubblewrap pid \(chaincode.sandbox.pid))")
            let registration = Task { [peer, chaincodeID, log] in
                await peer.waitForRegistration(of: chaincodeID)
                guard !Task.isCancelled else { return }
                log.note("\(chaincodeID) registered")
                self.state.withLock { if $0.phase == .starting { $0.phase = .registered } }
            }
            let end = await chaincode.end()
            registration.cancel()
            self.end(.ended, "chaincode \(end.message)")
        } catch {
            end(.failed, "\(error)")
        }
    }

    private func end(_ phase: Phase, _ message: String) {
        state.withLock { state in
            state.phase = phase
            state.message = message
            state.chaincode = nil
        }
        log.note(message)
        log.finish()
    }
}
