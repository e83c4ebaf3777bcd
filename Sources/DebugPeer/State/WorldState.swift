import Foundation
import Synchronization

/// One key of the world state as seen from outside the peer.
public struct StateEntry: Sendable, Hashable {
    /// The key.
    public var key: String
    /// The committed value.
    public var value: Data
    /// The key's metadata entries (e.g. `VALIDATION_PARAMETER`).
    public var metadata: [String: Data]

    /// Creates an entry.
    public init(key: String, value: Data, metadata: [String: Data] = [:]) {
        self.key = key
        self.value = value
        self.metadata = metadata
    }
}

/// The debug peer's ledger state: committed keys per channel and namespace, in
/// memory, optionally saved as JSON after every commit so a restart keeps it.
public final class WorldState: Sendable {
    private typealias Channels = [String: [String: NamespaceState]]
    private let channels: Mutex<Channels>
    /// The JSON file the state is loaded from and saved to, if any.
    public let fileURL: URL?

    /// Creates an empty state, or loads `fileURL` when it exists.
    public init(fileURL: URL? = nil) throws {
        self.fileURL = fileURL
        var loaded: Channels = [:]
        if let fileURL, FileManager.default.fileExists(atPath: fileURL.path) {
            let data = try Data(contentsOf: fileURL)
            if !data.isEmpty {
                do {
                    loaded = try JSONDecoder().decode(PersistedState.self, from: data).channels
                } catch {
                    throw DebugPeerError.invalidStateFile(path: fileURL.path, reason: "\(error)")
                }
            }
        }
        channels = Mutex(loaded)
    }

    /// The committed value of `key`, or nil.
    public func value(channel: String, namespace: String, key: String) -> Data? {
        channels.withLock { $0[channel]?[namespace]?[key]?.value }
    }

    /// The metadata of `key` (empty when the key or its metadata does not exist).
    public func metadata(channel: String, namespace: String, key: String) -> [String: Data] {
        channels.withLock { $0[channel]?[namespace]?[key]?.metadata ?? [:] }
    }

    /// Committed entries with keys in `[start, end)` (UTF-8 order; empty `end` = unbounded).
    public func range(channel: String, namespace: String, start: String, end: String) -> [StateEntry] {
        channels.withLock { all in
            guard let state = all[channel]?[namespace] else { return [] }
            return state.keys(from: start, to: end).map { key in
                let entry = state[key]!
                return StateEntry(key: key, value: entry.value, metadata: entry.metadata ?? [:])
            }
        }
    }

    /// Committed entries whose key starts with `prefix`, in key order.
    public func entries(channel: String, namespace: String, prefix: String = "") -> [StateEntry] {
        range(channel: channel, namespace: namespace, start: prefix, end: prefix.isEmpty ? "" : prefix + "\u{10FFFF}")
    }

    /// The channels and, for each, the namespaces that hold at least one key.
    public func namespaces() -> [String: [String]] {
        channels.withLock { all in
            all.mapValues { $0.filter { !$0.value.isEmpty }.keys.sorted() }.filter { !$0.value.isEmpty }
        }
    }

    /// Applies a completed transaction's writes atomically and, when persisting,
    /// saves the file (under the lock, so saves never go back in time).
    func commit(_ writes: [String: WriteSet], channel: String) throws {
        try channels.withLock { all in
            for (namespace, set) in writes where !set.isEmpty {
                all[channel, default: [:]][namespace, default: NamespaceState()].apply(set)
            }
            if let fileURL {
                try JSONEncoder().encode(PersistedState(channels: all)).write(to: fileURL, options: .atomic)
            }
        }
    }

    private struct PersistedState: Codable {
        var channels: Channels
    }
}
