import ChaincodeProtocol
import DebugPeer
import Foundation
import GRPCCore
import K8sVMTesting
import Testing

/// REGISTER → REGISTERED → READY, the registry, duplicates and re-registration.
@Suite struct RegistrationTests {
    @Test func registerIsAnsweredRegisteredThenReady() async throws {
        try await withDebugPeer { peer in
            try await withRawStream(address: peer.address!) { stream in
                try await stream.registerAndAwaitReady("mycc:1.0")
                #expect(peer.registeredChaincodes == ["mycc:1.0"])
            }
        }
    }

    @Test func secondLiveRegistrationIsRefusedNamingTheID() async throws {
        try await withDebugPeer { peer in
            try await withChaincode(TestChaincode(), id: "dup:1.0", on: peer) { _ in
                try await withRawStream(address: peer.address!) { intruder in
                    try intruder.register("dup:1.0")
                    let (messages, error) = try await intruder.drain()
                    #expect(messages.map(\.type) == [.error])
                    #expect(String(decoding: messages[0].payload, as: UTF8.self).contains("duplicate chaincodeID: dup:1.0"))
                    #expect((error as? RPCError)?.code == .alreadyExists)
                    // The original registration keeps working.
                    #expect(try await peer.invoke(chaincode: "dup:1.0", "put", "k", "v").status == 200)
                }
            }
        }
    }

    @Test func reRegistrationReplacesADeadStream() async throws {
        try await withDebugPeer { peer in
            try await withChaincode(TestChaincode(), id: "again:1.0", on: peer) { _ in
                _ = try await peer.invoke(chaincode: "again", "put", "k", "one")
            }

            try await withChaincode(TestChaincode(), id: "again:1.0", on: peer) { _ throws in
                #expect(try await peer.query(chaincode: "again", "get", "k").text == "one")
                #expect(peer.registeredChaincodes == ["again:1.0"])
            }
        }
    }

    @Test func firstMessageThatIsNotRegisterEndsTheStreamAndServerKeepsServing() async throws {
        try await withDebugPeer { peer in
            try await withRawStream(address: peer.address!) { stream in
                stream.send(Protos_ChaincodeMessage(type: .getState, txid: "tx1", channelID: "ch"))
                let (messages, error) = try await stream.drain()
                #expect(messages.count == 1)
                #expect(messages.first?.type == .error)
                let text = String(decoding: messages.first?.payload ?? Data(), as: UTF8.self)
                #expect(text.contains("GET_STATE"))
                #expect((error as? RPCError)?.code == .failedPrecondition)
            }

            try await withChaincode(TestChaincode(), id: "testcc:1.0", on: peer) { _ throws in
                #expect(try await peer.invoke(chaincode: "testcc", "put", "k", "v").status == 200)
            }
        }
    }

    @Test func peerSendsKeepaliveAndIgnoresEchoes() async throws {
        try await withDebugPeer(configure: { $0.keepaliveInterval = .milliseconds(50) }) { peer in
            try await withRawStream(address: peer.address!) { stream in
                try await stream.registerAndAwaitReady("alive:1.0")
                #expect(try await stream.next()?.type == .keepalive)
                stream.send(Protos_ChaincodeMessage(type: .keepalive))
                #expect(try await stream.next()?.type == .keepalive)
            }

            // The Swift shim echoes keepalives and keeps serving.
            try await withChaincode(TestChaincode(), id: "testcc:1.0", on: peer) { _ in
                try await Task.sleep(for: .milliseconds(200))
                #expect(try await peer.invoke(chaincode: "testcc", "put", "k", "v").status == 200)
            }
        }
    }
}
