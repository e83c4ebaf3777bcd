import ChaincodeProtocol
import Foundation
import SwiftProtobuf

/// Why the peer refuses a state request; the text goes into the ERROR payload.
struct StateRequestFailure: Error {
    var reason: String
}

/// Serves the state requests a chaincode makes inside a transaction (GET_STATE,
/// PUT_STATE, range queries, …), mirroring the answers of Fabric's
/// core/chaincode/handler.go: a RESPONSE payload on success, a thrown reason otherwise.
struct StateRequests {
    let world: WorldState
    let channel: String
    let pageSize: Int
    let newIteratorID: () -> String

    /// The RESPONSE payload for `message`, or nil when the type is not a state request.
    func payload(for message: Protos_ChaincodeMessage, in tx: inout TransactionContext) throws -> Data? {
        switch message.type {
        case .getState:
            let request = try Protos_GetState(serializedBytes: message.payload)
            return world.value(channel: channel, namespace: tx.namespace(collection: request.collection), key: request.key) ?? Data()
        case .putState:
            let request = try Protos_PutState(serializedBytes: message.payload)
            guard !request.key.isEmpty else { throw StateRequestFailure(reason: "key must not be an empty string") }
            // An empty value arrives as a nil []byte in Fabric, which records a delete.
            if request.value.isEmpty {
                tx.writes[tx.namespace(collection: request.collection), default: WriteSet()].delete(request.key)
            } else {
                tx.writes[tx.namespace(collection: request.collection), default: WriteSet()].put(request.key, request.value)
            }
            return Data()
        case .delState:
            let request = try Protos_DelState(serializedBytes: message.payload)
            tx.writes[tx.namespace(collection: request.collection), default: WriteSet()].delete(request.key)
            return Data()
        case .getStateMetadata:
            let request = try Protos_GetStateMetadata(serializedBytes: message.payload)
            let metadata = world.metadata(channel: channel, namespace: tx.namespace(collection: request.collection), key: request.key)
            var result = Protos_StateMetadataResult()
            result.entries = metadata.keys.sorted().map { metakey in
                var entry = Protos_StateMetadata()
                entry.metakey = metakey
                entry.value = metadata[metakey]!
                return entry
            }
            return try result.serializedData()
        case .putStateMetadata:
            let request = try Protos_PutStateMetadata(serializedBytes: message.payload)
            tx.writes[tx.namespace(collection: request.collection), default: WriteSet()]
                .putMetadata(request.key, metakey: request.metadata.metakey, value: request.metadata.value)
            return Data()
        case .getStateByRange:
            return try startRange(try Protos_GetStateByRange(serializedBytes: message.payload), in: &tx)
        case .queryStateNext:
            let request = try Protos_QueryStateNext(serializedBytes: message.payload)
            guard var cursor = tx.cursors[request.id] else { throw StateRequestFailure(reason: "query iterator not found") }
            let response = try page(of: &cursor, id: request.id)
            tx.cursors[request.id] = cursor.isExhausted ? nil : cursor
            return try response.serializedData()
        case .queryStateClose:
            let request = try Protos_QueryStateClose(serializedBytes: message.payload)
            tx.cursors[request.id] = nil
            var response = Protos_QueryResponse()
            response.id = request.id
            return try response.serializedData()
        default:
            return nil
        }
    }

    private func startRange(_ request: Protos_GetStateByRange, in tx: inout TransactionContext) throws -> Data {
        let id = newIteratorID()
        var pagination = Protos_QueryMetadata()
        if !request.metadata.isEmpty {
            pagination = try Protos_QueryMetadata(serializedBytes: request.metadata)
        }
        let paginated = pagination.pageSize != 0 || !pagination.bookmark.isEmpty
        let start = paginated && !pagination.bookmark.isEmpty ? pagination.bookmark : request.startKey
        let entries = world.range(
            channel: channel, namespace: tx.namespace(collection: request.collection), start: start, end: request.endKey)
        var cursor = RangeCursor(namespace: tx.namespace, entries: entries)

        guard paginated else {
            let response = try page(of: &cursor, id: id)
            if !cursor.isExhausted { tx.cursors[id] = cursor }
            return try response.serializedData()
        }
        // Paginated queries return one page of pageSize records plus a bookmark and never has_more.
        var response = Protos_QueryResponse()
        response.id = id
        response.results = try cursor.nextPage(limit: pagination.pageSize > 0 ? Int(pagination.pageSize) : entries.count)
        var metadata = Protos_QueryResponseMetadata()
        metadata.fetchedRecordsCount = Int32(response.results.count)
        metadata.bookmark = cursor.bookmark
        response.metadata = try metadata.serializedData()
        return try response.serializedData()
    }

    private func page(of cursor: inout RangeCursor, id: String) throws -> Protos_QueryResponse {
        var response = Protos_QueryResponse()
        response.id = id
        response.results = try cursor.nextPage(limit: pageSize)
        response.hasMore_p = !cursor.isExhausted
        return response
    }
}
