import Foundation
import SwiftProtobuf

/// Conveniences shared by the debug peer and the Swift shim for building and
/// describing `ChaincodeMessage` frames.
extension Protos_ChaincodeMessage {
    /// Builds a frame of `type` with an optional payload, transaction id and channel.
    public init(
        type: Protos_ChaincodeMessage.TypeEnum,
        payload: Data = Data(),
        txid: String = "",
        channelID: String = ""
    ) {
        self.init()
        self.type = type
        self.payload = payload
        self.txid = txid
        self.channelID = channelID
    }

    /// An ERROR frame whose payload is `message` in UTF-8, answering `request`.
    public static func error(_ message: String, answering request: Protos_ChaincodeMessage) -> Self {
        Self(type: .error, payload: Data(message.utf8), txid: request.txid, channelID: request.channelID)
    }

    /// A RESPONSE frame answering `request` with `payload`.
    public static func response(_ payload: Data = Data(), answering request: Protos_ChaincodeMessage) -> Self {
        Self(type: .response, payload: payload, txid: request.txid, channelID: request.channelID)
    }
}

extension Protos_ChaincodeMessage.TypeEnum {
    /// The upstream enum constant name (`GET_STATE`, `KEEPALIVE`, …), or the raw number if unknown.
    public var protoName: String {
        switch self {
        case .undefined: "UNDEFINED"
        case .register: "REGISTER"
        case .registered: "REGISTERED"
        case .init_: "INIT"
        case .ready: "READY"
        case .transaction: "TRANSACTION"
        case .completed: "COMPLETED"
        case .error: "ERROR"
        case .getState: "GET_STATE"
        case .putState: "PUT_STATE"
        case .delState: "DEL_STATE"
        case .invokeChaincode: "INVOKE_CHAINCODE"
        case .response: "RESPONSE"
        case .getStateByRange: "GET_STATE_BY_RANGE"
        case .getQueryResult: "GET_QUERY_RESULT"
        case .queryStateNext: "QUERY_STATE_NEXT"
        case .queryStateClose: "QUERY_STATE_CLOSE"
        case .keepalive: "KEEPALIVE"
        case .getHistoryForKey: "GET_HISTORY_FOR_KEY"
        case .getStateMetadata: "GET_STATE_METADATA"
        case .putStateMetadata: "PUT_STATE_METADATA"
        case .getPrivateDataHash: "GET_PRIVATE_DATA_HASH"
        case .purgePrivateData: "PURGE_PRIVATE_DATA"
        case .writeBatchState: "WRITE_BATCH_STATE"
        case .getStateMultiple: "GET_STATE_MULTIPLE"
        case .UNRECOGNIZED(let raw): "UNRECOGNIZED(\(raw))"
        }
    }
}

extension Protos_Response {
    /// A response with `status`, `message` and `payload`.
    public init(status: Int32, message: String = "", payload: Data = Data()) {
        self.init()
        self.status = status
        self.message = message
        self.payload = payload
    }

    /// Fabric's threshold: statuses below 400 are successes and endorsed; others are errors.
    public var isSuccess: Bool { status < 400 }
}
