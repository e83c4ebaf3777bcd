import DebugPeer
import Foundation
import K8sVMTesting
import Testing

/// Chaincode events reach subscribers only for committed transactions.
@Suite struct EventTests {
    @Test(arguments: [false, true])
    func committedEventIsPublished(tls: Bool) async throws {
        try await withDebugPeer(tls: tls) { peer in
            try await withChaincode(TestChaincode(), id: "testcc:1.0", on: peer) { _ in
                let events = peer.events()
                _ = try await peer.query(chaincode: "testcc", "event", "from-query", "q")
                _ = try await peer.invoke(chaincode: "testcc", "event", "created", "payload-1")
                let first = try await withTimeout(5, "an event") { () -> ChaincodeEventRecord? in
                    var iterator = events.makeAsyncIterator()
                    return await iterator.next()
                }
                let event = try #require(first)
                #expect(event.name == "created")
                #expect(event.payload == Data("payload-1".utf8))
                #expect(event.channel == "devchannel")
                #expect(event.chaincodeID == "testcc:1.0")
                #expect(event.event.chaincodeID == "testcc")
                #expect(event.txID.count == 64)
            }
        }
    }
}
