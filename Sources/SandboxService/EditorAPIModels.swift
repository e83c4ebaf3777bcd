import DebugPeer
import Foundation

/// A debug run as JSON.
struct RunBody: Encodable {
    var id: String
    var name: String
    var chaincodeID: String
    var phase: DebugRun.Phase
    var message: String?
    var created: String

    init(_ run: DebugRun) {
        id = run.id
        name = run.name
        chaincodeID = run.chaincodeID
        phase = run.phase
        message = run.message
        created = run.created.formatted(.iso8601)
    }
}

/// `GET /runs`.
struct RunListBody: Encodable {
    var runs: [RunBody]
}

/// Body of `POST /runs/{id}/invoke|query`: `{"Args":["fn","arg"]}` (or `"args"`), optional `"channel"`.
struct TransactionRequestBody: Decodable {
    var Args: [String]?
    var args: [String]?
    var channel: String?
}

/// A chaincode's answer: status, message, and the payload as text (when UTF-8) and base64.
struct TransactionAnswerBody: Encodable {
    var txID: String
    var status: Int32
    var message: String
    var payload: String?
    var payloadBase64: String

    init(_ result: TransactionResult) {
        txID = result.txID
        status = result.response.status
        message = result.response.message
        payload = String(data: result.response.payload, encoding: .utf8)
        payloadBase64 = result.response.payload.base64EncodedString()
    }
}

/// Every error answer: `{"error": "..."}`.
struct ErrorAnswerBody: Encodable {
    var error: String
}
