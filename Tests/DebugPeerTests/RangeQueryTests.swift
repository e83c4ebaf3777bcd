import ChaincodeProtocol
import DebugPeer
import Foundation
import K8sVMTesting
import Testing

/// Range queries: the shim iterates across pages; the peer pages like Fabric (has_more + id).
@Suite struct RangeQueryTests {
    @Test(arguments: [false, true])
    func shimIteratesAcrossSeveralPages(tls: Bool) async throws {
        try await withDebugPeer(tls: tls, configure: { $0.rangeQueryPageSize = 3 }) { peer in
            try await withChaincode(TestChaincode(), id: "testcc:1.0", on: peer) { _ in
                for index in 0..<10 {
                    _ = try await peer.invoke(chaincode: "testcc", "put", "k\(index)", "v")
                }
                _ = try await peer.invoke(chaincode: "testcc", "put", "z", "outside")
                let keys = try await peer.query(chaincode: "testcc", "keys", "k", "k9").text
                #expect(keys == "k0,k1,k2,k3,k4,k5,k6,k7,k8")
                let all = try await peer.query(chaincode: "testcc", "keys", "", "").text
                #expect(all.split(separator: ",").count == 11)
            }
        }
    }

    @Test func peerAnswersWithPagesHasMoreAndIteratorID() async throws {
        try await withDebugPeer(configure: { $0.rangeQueryPageSize = 2 }) { peer in
            try await withChaincode(TestChaincode(), id: "testcc:1.0", on: peer) { _ in
                for key in ["a", "b", "c", "d", "e"] { _ = try await peer.invoke(chaincode: "testcc", "put", key, key.uppercased()) }
            }

            try await withRawStream(address: peer.address!) { stream in
                try await stream.registerAndAwaitReady("testcc:raw")
                let outcome = Task { try await peer.invoke(chaincode: "testcc:raw", "anything") }
                let transaction = try #require(try await stream.next())
                #expect(transaction.type == .transaction)

                func ask(_ type: Protos_ChaincodeMessage.TypeEnum, _ payload: Data) async throws -> Protos_QueryResponse {
                    stream.send(Protos_ChaincodeMessage(type: type, payload: payload, txid: transaction.txid, channelID: transaction.channelID))
                    let reply = try #require(try await stream.next())
                    #expect(reply.type == .response)
                    return try Protos_QueryResponse(serializedBytes: reply.payload)
                }
                var range = Protos_GetStateByRange()
                range.startKey = "a"
                range.endKey = "e"
                let first = try await ask(.getStateByRange, try range.serializedData())
                #expect(first.hasMore_p)
                #expect(!first.id.isEmpty)
                let firstKV = try first.results.map { try Queryresult_KV(serializedBytes: $0.resultBytes) }
                #expect(firstKV.map(\.key) == ["a", "b"])
                #expect(firstKV.map(\.namespace) == ["testcc", "testcc"])
                #expect(firstKV.map(\.value) == [Data("A".utf8), Data("B".utf8)])

                var next = Protos_QueryStateNext()
                next.id = first.id
                let second = try await ask(.queryStateNext, try next.serializedData())
                #expect(second.hasMore_p == false)
                #expect(try second.results.map { try Queryresult_KV(serializedBytes: $0.resultBytes).key } == ["c", "d"])

                var close = Protos_QueryStateClose()
                close.id = first.id
                let closed = try await ask(.queryStateClose, try close.serializedData())
                #expect(closed.id == first.id)
                #expect(closed.results.isEmpty)

                var response = Protos_Response(status: 200)
                response.payload = Data("done".utf8)
                stream.send(Protos_ChaincodeMessage(type: .completed, payload: try response.serializedData(), txid: transaction.txid, channelID: transaction.channelID))
                #expect(try await outcome.value.text == "done")
            }
        }
    }
}
