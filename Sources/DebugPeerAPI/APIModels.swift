import DebugPeer
import Foundation

/// Body of `POST /chaincodes/{id}/invoke` and `/query`, in the peer CLI's
/// format: `{"Args":["CreateAsset","a1"]}` or `{"function":"CreateAsset","Args":["a1"]}`,
/// plus optional `channel`, `isInit` and `transient` (values base64).
public struct InvocationBody: Decodable, Sendable {
    public var arguments: [String]
    public var channel: String?
    public var isInit: Bool
    public var transient: [String: Data]

    private enum CodingKeys: String, CodingKey {
        case Args, args, function, Function, channel, isInit, transient
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let args = try container.decodeIfPresent([String].self, forKey: .Args)
            ?? container.decodeIfPresent([String].self, forKey: .args) ?? []
        let function = try container.decodeIfPresent(String.self, forKey: .function)
            ?? container.decodeIfPresent(String.self, forKey: .Function)
        arguments = (function.map { [$0] } ?? []) + args
        channel = try container.decodeIfPresent(String.self, forKey: .channel)
        isInit = try container.decodeIfPresent(Bool.self, forKey: .isInit) ?? false
        transient = try container.decodeIfPresent([String: Data].self, forKey: .transient) ?? [:]
    }
}

/// A chaincode response as JSON: `payload` is the UTF-8 text when the bytes are
/// valid UTF-8, `payloadBase64` always holds the exact bytes.
public struct TransactionResponseBody: Encodable, Sendable {
    public var txID: String
    public var channel: String
    public var chaincode: String
    public var status: Int32
    public var message: String
    public var payload: String?
    public var payloadBase64: String

    public init(_ result: TransactionResult) {
        txID = result.txID
        channel = result.channel
        chaincode = result.chaincodeID
        status = result.response.status
        message = result.response.message
        payload = String(data: result.response.payload, encoding: .utf8)
        payloadBase64 = result.response.payload.base64EncodedString()
    }
}

/// `GET /chaincodes`.
struct ChaincodeListBody: Encodable {
    var chaincodes: [String]
}

/// One state entry as JSON (value as text when UTF-8, and base64).
struct StateEntryBody: Encodable {
    var key: String
    var value: String?
    var valueBase64: String
    var metadata: [String: String]?

    init(_ entry: StateEntry) {
        key = entry.key
        value = String(data: entry.value, encoding: .utf8)
        valueBase64 = entry.value.base64EncodedString()
        metadata = entry.metadata.isEmpty ? nil : entry.metadata.mapValues { $0.base64EncodedString() }
    }
}

/// `GET /state/{channel}/{namespace}?prefix=`.
struct StateListBody: Encodable {
    var channel: String
    var namespace: String
    var entries: [StateEntryBody]
}

/// One chaincode event as a server-sent event's JSON data.
struct EventBody: Encodable {
    var channel: String
    var chaincode: String
    var txID: String
    var name: String
    var payload: String?
    var payloadBase64: String

    init(_ record: ChaincodeEventRecord) {
        channel = record.channel
        chaincode = record.chaincodeID
        txID = record.txID
        name = record.name
        payload = String(data: record.payload, encoding: .utf8)
        payloadBase64 = record.payload.base64EncodedString()
    }
}

/// Every error answer: `{"error": "..."}`.
public struct ErrorBody: Encodable, Sendable {
    public var error: String

    public init(error: String) {
        self.error = error
    }
}
