import ChaincodeProtocol
import DebugPeer
import Foundation
import K8sVMTesting
import Testing

/// Invoke and query round trips through the real gRPC server and the Swift shim, plaintext and TLS.
@Suite struct TransactionTests {
    @Test(arguments: [false, true])
    func putGetDeleteRoundTrip(tls: Bool) async throws {
        try await withDebugPeer(tls: tls) { peer in
            try await withChaincode(TestChaincode(), id: "testcc:1.0", on: peer) { _ in

                #expect(try await peer.invoke(chaincode: "testcc:1.0", "put", "color", "blue").status == 200)
                let read = try await peer.query(chaincode: "testcc:1.0", "get", "color")
                #expect(read.status == 200)
                #expect(read.text == "blue")
                #expect(peer.state.value(channel: "devchannel", namespace: "testcc", key: "color") == Data("blue".utf8))

                #expect(try await peer.invoke(chaincode: "testcc", "del", "color").status == 200)
                let missing = try await peer.query(chaincode: "testcc", "get", "color")
                #expect(missing.status == 404)
                #expect(missing.message == "missing color")
            }
        }
    }

    @Test func writesAreDiscardedWhenStatusIs400OrMore() async throws {
        try await withDebugPeer { peer in
            try await withChaincode(TestChaincode(), id: "testcc:1.0", on: peer) { _ in
                let events = peer.events()
                let response = try await peer.invoke(chaincode: "testcc", "putThenFail", "k", "v")
                #expect(response.status == 500)
                #expect(response.message == "refused on purpose")
                #expect(peer.state.value(channel: "devchannel", namespace: "testcc", key: "k") == nil)

                // A successful invoke after it commits, and its event is the first one seen: the failed one emitted none.
                _ = try await peer.invoke(chaincode: "testcc", "event", "after", "x")
                var iterator = events.makeAsyncIterator()
                #expect(await iterator.next()?.name == "after")
            }
        }
    }

    @Test func queryDiscardsWrites() async throws {
        try await withDebugPeer { peer in
            try await withChaincode(TestChaincode(), id: "testcc:1.0", on: peer) { _ throws in
                #expect(try await peer.query(chaincode: "testcc", "put", "k", "v").status == 200)
                #expect(peer.state.value(channel: "devchannel", namespace: "testcc", key: "k") == nil)
            }
        }
    }

    @Test func initRunsInitializeAndChannelsAreSeparate() async throws {
        try await withDebugPeer { peer in
            try await withChaincode(TestChaincode(), id: "testcc:1.0", on: peer) { _ in
                let response = try await peer.invoke(
                    chaincode: "testcc", args: [Data("init".utf8), Data("a".utf8), Data("b".utf8)], channel: "other", isInit: true)
                #expect(response.text == "init done")
                #expect(peer.state.value(channel: "other", namespace: "testcc", key: "initialized") == Data("a,b".utf8))
                #expect(peer.state.value(channel: "devchannel", namespace: "testcc", key: "initialized") == nil)
            }
        }
    }

    @Test func stubSeesTransactionContextFromTheProposal() async throws {
        try await withDebugPeer { peer in
            try await withChaincode(TestChaincode(), id: "testcc:1.0", on: peer) { _ in
                let parts = try await peer.query(chaincode: "testcc", "context").text.split(separator: "|").map(String.init)
                #expect(parts.count == 4)
                #expect(parts[0].count == 64)  // hex SHA-256 txid, as Fabric computes it
                #expect(parts[1] == "devchannel")
                #expect(parts[2] == "DevMSP")
                #expect(parts[3] == "true")
            }
        }
    }

    @Test func stateMetadataIsWrittenOnCommitAndReadBack() async throws {
        try await withDebugPeer { peer in
            try await withChaincode(TestChaincode(), id: "testcc:1.0", on: peer) { _ in
                _ = try await peer.invoke(chaincode: "testcc", "put", "k", "v")
                _ = try await peer.invoke(chaincode: "testcc", "metadata", "k", "VALIDATION_PARAMETER", "policy")
                #expect(try await peer.query(chaincode: "testcc", "readMetadata", "k").text == "VALIDATION_PARAMETER=policy")
                #expect(peer.state.metadata(channel: "devchannel", namespace: "testcc", key: "k") == ["VALIDATION_PARAMETER": Data("policy".utf8)])
            }
        }
    }

    @Test func unknownChaincodeIsATypedErrorNamingIt() async throws {
        try await withDebugPeer { peer in
            try await withChaincode(TestChaincode(), id: "testcc:1.0", on: peer) { _ in
                await #expect(throws: DebugPeerError.unknownChaincode("nope", registered: ["testcc:1.0"])) {
                    try await peer.invoke(chaincode: "nope", "get", "k")
                }
                let error = DebugPeerError.unknownChaincode("nope", registered: ["testcc:1.0"])
                #expect(error.description.contains("'nope'"))
            }
        }
    }

    @Test func concurrentInvokesAllCommit() async throws {
        try await withDebugPeer { peer in
            try await withChaincode(TestChaincode(), id: "testcc:1.0", on: peer) { _ in
                try await withThrowingTaskGroup(of: Int32.self) { group in
                    for index in 0..<50 {
                        group.addTask { try await peer.invoke(chaincode: "testcc", "put", "key\(index)", "\(index)").status }
                    }
                    for try await status in group { #expect(status == 200) }
                }
                #expect(peer.state.entries(channel: "devchannel", namespace: "testcc", prefix: "key").count == 50)
            }
        }
    }
}
