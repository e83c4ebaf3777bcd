import DebugPeer
import Foundation
import K8sVMCore
import SandboxVM
import Synchronization

/// The debug runs of one editor backend: each with its own debug peer and sandbox, at most `maxActive` at a time.
/// Ended runs keep their record (phase, message, log; no process or file) until deleted.
public final class DebugRunRegistry: Sendable {
    public let host: SandboxHost
    public let maxActive: Int
    private let runs = Mutex<[String: DebugRun]>([:])

    public init(host: SandboxHost, maxActive: Int) {
        self.host = host
        self.maxActive = maxActive
    }

    /// Every run, oldest first.
    public var all: [DebugRun] { runs.withLock { Array($0.values) }.sorted { $0.created < $1.created } }

    public func run(_ id: String) -> DebugRun? { runs.withLock { $0[id] } }

    /// Creates a run from a source; `owning` (the source's directory, or one holding it) is removed when the run ends.
    public func create(name: String, source: DebugRun.Source, owning directory: String) async throws -> DebugRun {
        let active = all.filter { $0.phase != .ended && $0.phase != .failed }.count
        guard active < maxActive else {
            try? FileManager.default.removeItem(atPath: directory)
            throw DebugRunError.limitReached(active: active, limit: maxActive)
        }
        let peer: DebugPeer
        do {
            peer = try DebugPeer(configuration: DebugPeerConfiguration(host: "127.0.0.1", port: 0))
            try await peer.start()
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw DebugRunError.peerDidNotStart(error)
        }
        let id = UUID().uuidString.lowercased().prefix(12).description
        let run = DebugRun.start(id: id, name: name, source: source, peer: peer, host: host, cleanup: {
            await peer.stop()
            try? FileManager.default.removeItem(atPath: directory)
        })
        runs.withLock { $0[id] = run }
        return run
    }

    /// Stops a run and forgets it; nil when there is no such run.
    public func delete(_ id: String) async -> DebugRun? {
        guard let run = run(id) else { return nil }
        await run.stop()
        runs.withLock { _ = $0.removeValue(forKey: id) }
        return run
    }

    /// Stops every run (the server is shutting down).
    public func stopAll() async {
        await withTaskGroup(of: Void.self) { group in
            for run in all { group.addTask { await run.stop(reason: "the editor backend stopped") } }
        }
    }
}
