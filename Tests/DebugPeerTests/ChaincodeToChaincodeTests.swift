import DebugPeer
import Foundation
import K8sVMTesting
import Testing

/// INVOKE_CHAINCODE: one chaincode calling another inside its transaction.
@Suite struct ChaincodeToChaincodeTests {
    @Test func calleeWritesCommitWithTheCallerOnTheSameChannel() async throws {
        try await withDebugPeer { peer in
            try await withChaincode(TestChaincode(), id: "caller:1.0", on: peer) { _ in
                try await withChaincode(TestChaincode(), id: "callee:1.0", on: peer) { _ in
                    let response = try await peer.invoke(chaincode: "caller", "call", "callee", "-", "put", "k", "from-caller")
                    #expect(response.status == 200)
                    #expect(peer.state.value(channel: "devchannel", namespace: "callee", key: "k") == Data("from-caller".utf8))
                    #expect(peer.state.value(channel: "devchannel", namespace: "caller", key: "k") == nil)

                    // The callee's answer (and failure) reaches the caller.
                    #expect(try await peer.query(chaincode: "caller", "call", "callee", "-", "get", "k").text == "from-caller")
                    let missing = try await peer.query(chaincode: "caller", "call", "callee", "-", "get", "nothing")
                    #expect(missing.status == 404)

                    // If the caller fails afterwards, the callee's writes are discarded too.
                    _ = try await peer.invoke(chaincode: "caller", "callThenFail", "callee", "put", "k", "discarded")
                    #expect(peer.state.value(channel: "devchannel", namespace: "callee", key: "k") == Data("from-caller".utf8))
                }
            }
        }
    }

    @Test func callsToAnotherChannelAreReadOnlyAndUnknownTargetsFail() async throws {
        try await withDebugPeer { peer in
            try await withChaincode(TestChaincode(), id: "caller:1.0", on: peer) { _ in
                try await withChaincode(TestChaincode(), id: "callee:1.0", on: peer) { _ in
                    #expect(try await peer.invoke(chaincode: "caller", "call", "callee", "other", "put", "k", "v").status == 200)
                    #expect(peer.state.value(channel: "other", namespace: "callee", key: "k") == nil)
                    #expect(peer.state.value(channel: "devchannel", namespace: "callee", key: "k") == nil)

                    let unknown = try await peer.invoke(chaincode: "caller", "call", "ghost", "-", "get", "k")
                    #expect(unknown.status == 500)
                    #expect(unknown.message.contains("'ghost'"))
                    let itself = try await peer.invoke(chaincode: "caller", "call", "caller", "-", "get", "k")
                    #expect(itself.status == 500)
                    #expect(itself.message.contains("cannot invoke itself"))
                }
            }
        }
    }
}
