import ChaincodeProtocol
import Foundation

/// One key/value record of a range query.
public struct StateRecord: Sendable, Hashable {
    /// The key.
    public var key: String
    /// The value.
    public var value: Data
}

/// The records of a range query, fetched page by page: when a page is used up
/// and the peer said `has_more`, the next one is requested with QUERY_STATE_NEXT;
/// at the end the query is closed with QUERY_STATE_CLOSE.
public struct StateQueryResults: AsyncSequence, Sendable {
    public typealias Element = StateRecord

    let firstPage: Protos_QueryResponse
    let endpoint: ShimStreamEndpoint
    let txid: String
    let channel: String

    public func makeAsyncIterator() -> Iterator {
        Iterator(page: firstPage, endpoint: endpoint, txid: txid, channel: channel)
    }

    /// Walks the pages; not shareable between tasks.
    public struct Iterator: AsyncIteratorProtocol {
        var page: Protos_QueryResponse
        var index = 0
        var finished = false
        let endpoint: ShimStreamEndpoint
        let txid: String
        let channel: String

        init(page: Protos_QueryResponse, endpoint: ShimStreamEndpoint, txid: String, channel: String) {
            self.page = page
            self.endpoint = endpoint
            self.txid = txid
            self.channel = channel
        }

        public mutating func next() async throws -> StateRecord? {
            while !finished {
                if index < page.results.count {
                    let kv = try Queryresult_KV(serializedBytes: page.results[index].resultBytes)
                    index += 1
                    return StateRecord(key: kv.key, value: kv.value)
                }
                if page.hasMore_p {
                    var request = Protos_QueryStateNext()
                    request.id = page.id
                    let payload = try await endpoint.request(
                        .queryStateNext, payload: try request.serializedData(), txid: txid, channel: channel)
                    page = try Protos_QueryResponse(serializedBytes: payload)
                    index = 0
                } else {
                    finished = true
                    try await close()
                }
            }
            return nil
        }

        /// Closes the query on the peer early (it is closed automatically at the end).
        public mutating func close() async throws {
            finished = true
            var request = Protos_QueryStateClose()
            request.id = page.id
            _ = try await endpoint.request(.queryStateClose, payload: try request.serializedData(), txid: txid, channel: channel)
        }
    }
}
