import ChaincodeProtocol
import DebugPeer
import Foundation
import GRPCCore
import Testing

/// REGISTER → REGISTERED → READY, the registry, duplicates and re-registration.
@Suite struct RegistrationTests {
    @Test func registerIsAnsweredRegisteredThenReady() async throws {
        try await withPeer { peer in
            let stream = try RawChaincodeStream(address: peer.address!)
            try stream.register("mycc:1.0")
            #expect(try await stream.next()?.type == .registered)
            #expect(try await stream.next()?.type == .ready)
            #expect(peer.registeredChaincodes == ["mycc:1.0"])
            await stream.close()
        }
    }

    @Test func secondLiveRegistrationIsRefusedNamingTheID() async throws {
        try await withPeer { peer in
            let chaincode = try await startChaincode(id: "dup:1.0", on: peer)
            let intruder = try RawChaincodeStream(address: peer.address!)
            try intruder.register("dup:1.0")
            let (messages, error) = try await intruder.drain()
            #expect(messages.map(\.type) == [.error])
            #expect(String(decoding: messages[0].payload, as: UTF8.self).contains("duplicate chaincodeID: dup:1.0"))
            #expect((error as? RPCError)?.code == .alreadyExists)
            // The original registration keeps working.
            #expect(try await peer.invoke(chaincode: "dup:1.0", "put", "k", "v").status == 200)
            await intruder.close()
            await chaincode.stop()
        }
    }

    @Test func reRegistrationReplacesADeadStream() async throws {
        try await withPeer { peer in
            let first = try await startChaincode(id: "again:1.0", on: peer)
            _ = try await peer.invoke(chaincode: "again", "put", "k", "one")
            await first.stop()

            let second = try await startChaincode(id: "again:1.0", on: peer)
            #expect(try await peer.query(chaincode: "again", "get", "k").text == "one")
            #expect(peer.registeredChaincodes == ["again:1.0"])
            await second.stop()
        }
    }

    @Test func firstMessageThatIsNotRegisterEndsTheStreamAndServerKeepsServing() async throws {
        try await withPeer { peer in
            let stream = try RawChaincodeStream(address: peer.address!)
            stream.send(Protos_ChaincodeMessage(type: .getState, txid: "tx1", channelID: "ch"))
            let (messages, error) = try await stream.drain()
            #expect(messages.count == 1)
            #expect(messages.first?.type == .error)
            let text = String(decoding: messages.first?.payload ?? Data(), as: UTF8.self)
            #expect(text.contains("GET_STATE"))
            #expect((error as? RPCError)?.code == .failedPrecondition)
            await stream.close()

            let chaincode = try await startChaincode(on: peer)
            #expect(try await peer.invoke(chaincode: "testcc", "put", "k", "v").status == 200)
            await chaincode.stop()
        }
    }

    @Test func peerSendsKeepaliveAndIgnoresEchoes() async throws {
        try await withPeer(configure: { $0.keepaliveInterval = .milliseconds(50) }) { peer in
            let stream = try RawChaincodeStream(address: peer.address!)
            try stream.register("alive:1.0")
            #expect(try await stream.next()?.type == .registered)
            #expect(try await stream.next()?.type == .ready)
            #expect(try await stream.next()?.type == .keepalive)
            stream.send(Protos_ChaincodeMessage(type: .keepalive))
            #expect(try await stream.next()?.type == .keepalive)
            await stream.close()

            // The Swift shim echoes keepalives and keeps serving.
            let chaincode = try await startChaincode(on: peer)
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await peer.invoke(chaincode: "testcc", "put", "k", "v").status == 200)
            await chaincode.stop()
        }
    }
}
