import ChaincodeProtocol
import Foundation
import Testing

/// Golden encodings, hand-computed from the upstream field numbers, so a wrong
/// number in the .proto subset (or a bad regeneration) cannot go unnoticed.
@Suite struct WireFormatTests {
    private func hex(_ data: Data) -> String { data.map { String(format: "%02x", $0) }.joined() }

    @Test func chaincodeMessageFields() throws {
        let message = Protos_ChaincodeMessage(type: .getState, payload: Data("p".utf8), txid: "t", channelID: "c")
        #expect(hex(try message.serializedData()) == "0808" + "1a0170" + "220174" + "3a0163")
        var withEvent = Protos_ChaincodeMessage(type: .completed)
        withEvent.chaincodeEvent.chaincodeID = "c"
        withEvent.chaincodeEvent.txID = "t"
        withEvent.chaincodeEvent.eventName = "e"
        withEvent.chaincodeEvent.payload = Data("p".utf8)
        withEvent.proposal.proposalBytes = Data("b".utf8)
        #expect(hex(try withEvent.serializedData()) == "0806" + "2a030a0162" + "320c" + "0a0163120174" + "1a0165220170")
        #expect(Protos_ChaincodeMessage.TypeEnum.getStateMultiple.rawValue == 25)
        #expect(Protos_ChaincodeMessage.TypeEnum.response.rawValue == 13)
    }

    @Test func payloadMessages() throws {
        var query = Protos_QueryResponse()
        var result = Protos_QueryResultBytes()
        result.resultBytes = Data("r".utf8)
        query.results = [result]
        query.hasMore_p = true
        query.id = "i"
        #expect(hex(try query.serializedData()) == "0a030a0172" + "1001" + "1a0169")

        var kv = Queryresult_KV()
        kv.namespace = "n"
        kv.key = "k"
        kv.value = Data("v".utf8)
        #expect(hex(try kv.serializedData()) == "0a016e" + "12016b" + "1a0176")

        var input = Protos_ChaincodeInput()
        input.args = [Data("a".utf8)]
        input.isInit = true
        #expect(hex(try input.serializedData()) == "0a0161" + "1801")

        var metadata = Protos_PutStateMetadata()
        metadata.key = "k"
        metadata.metadata.metakey = "m"
        metadata.metadata.value = Data("v".utf8)
        #expect(hex(try metadata.serializedData()) == "0a016b" + "2206" + "0a016d120176")

        var range = Protos_GetStateByRange()
        range.startKey = "a"
        range.endKey = "b"
        range.collection = "c"
        range.metadata = Data("m".utf8)
        #expect(hex(try range.serializedData()) == "0a0161" + "120162" + "1a0163" + "22016d")

        var spec = Protos_ChaincodeSpec()
        spec.chaincodeID.name = "n"
        spec.input.args = [Data("a".utf8)]
        #expect(hex(try spec.serializedData()) == "12031201" + "6e" + "1a030a0161")

        var response = Protos_Response(status: 200, message: "m", payload: Data("p".utf8))
        response.status = 200
        #expect(hex(try response.serializedData()) == "08c801" + "12016d" + "1a0170")
    }
}
