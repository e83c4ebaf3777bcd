import Foundation

/// The committed keys of one namespace (a chaincode, or a private data
/// collection `name$$pcollection`) on one channel, sorted for range scans.
struct NamespaceState: Sendable, Codable {
    /// One committed key: its value and its metadata (e.g. `VALIDATION_PARAMETER`).
    struct Entry: Sendable, Codable {
        var value: Data
        var metadata: [String: Data]?
    }

    private(set) var entries: [String: Entry] = [:]
    private var sortedKeys: [String] = []

    init() {}

    init(from decoder: any Decoder) throws {
        entries = try decoder.singleValueContainer().decode([String: Entry].self)
        sortedKeys = entries.keys.sorted(by: StateKeyOrder.precedes)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(entries)
    }

    var isEmpty: Bool { entries.isEmpty }

    subscript(key: String) -> Entry? { entries[key] }

    /// Keys in `[start, end)` by UTF-8 order; an empty `end` means no upper bound.
    func keys(from start: String, to end: String) -> ArraySlice<String> {
        let low = StateKeyOrder.lowerBound(of: start, in: sortedKeys)
        let high = end.isEmpty ? sortedKeys.count : StateKeyOrder.lowerBound(of: end, in: sortedKeys)
        return low < high ? sortedKeys[low..<high] : []
    }

    mutating func apply(_ writes: WriteSet) {
        for (key, change) in writes.changes {
            switch change {
            case .put(let value):
                if entries[key] == nil {
                    sortedKeys.insert(key, at: StateKeyOrder.lowerBound(of: key, in: sortedKeys))
                    entries[key] = Entry(value: value, metadata: nil)
                } else {
                    entries[key]!.value = value
                }
            case .delete:
                if entries.removeValue(forKey: key) != nil {
                    sortedKeys.remove(at: StateKeyOrder.lowerBound(of: key, in: sortedKeys))
                }
            }
        }
        // Metadata of keys that do not exist after the writes is dropped, as Fabric does.
        for (key, metadata) in writes.metadataChanges where entries[key] != nil {
            var merged = entries[key]!.metadata ?? [:]
            merged.merge(metadata) { _, new in new }
            entries[key]!.metadata = merged
        }
    }
}
