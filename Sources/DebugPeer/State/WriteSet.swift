import Foundation

/// The writes of one transaction, buffered until it completes. Later writes to
/// the same key replace earlier ones, as in Fabric's transaction simulator.
struct WriteSet: Sendable {
    /// A buffered change to one key.
    enum Change: Sendable {
        case put(Data)
        case delete
    }

    private(set) var changes: [String: Change] = [:]
    private(set) var metadataChanges: [String: [String: Data]] = [:]

    var isEmpty: Bool { changes.isEmpty && metadataChanges.isEmpty }

    mutating func put(_ key: String, _ value: Data) { changes[key] = .put(value) }

    mutating func delete(_ key: String) {
        changes[key] = .delete
        metadataChanges[key] = nil
    }

    mutating func putMetadata(_ key: String, metakey: String, value: Data) {
        metadataChanges[key, default: [:]][metakey] = value
    }

    /// Adds `other`'s changes on top of these (its writes win).
    mutating func merge(_ other: WriteSet) {
        for (key, change) in other.changes { changes[key] = change }
        for (key, metadata) in other.metadataChanges { metadataChanges[key, default: [:]].merge(metadata) { _, new in new } }
    }
}
