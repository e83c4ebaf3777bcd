import ChaincodeProtocol
import Foundation

/// An open range query of one transaction: the matching entries, captured when
/// the query started, served page by page through QUERY_STATE_NEXT.
struct RangeCursor {
    private let namespace: String
    private let entries: [StateEntry]
    private var position = 0

    init(namespace: String, entries: [StateEntry]) {
        self.namespace = namespace
        self.entries = entries
    }

    var isExhausted: Bool { position >= entries.count }

    /// The key the next page would start at, or "" when exhausted (a pagination bookmark).
    var bookmark: String { isExhausted ? "" : entries[position].key }

    /// The next `limit` results as serialized `queryresult.KV` records.
    mutating func nextPage(limit: Int) throws -> [Protos_QueryResultBytes] {
        let end = min(entries.count, position + max(1, limit))
        var page: [Protos_QueryResultBytes] = []
        page.reserveCapacity(end - position)
        for entry in entries[position..<end] {
            var kv = Queryresult_KV()
            kv.namespace = namespace
            kv.key = entry.key
            kv.value = entry.value
            var result = Protos_QueryResultBytes()
            result.resultBytes = try kv.serializedData()
            page.append(result)
        }
        position = end
        return page
    }
}
