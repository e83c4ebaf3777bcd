import ChaincodeProtocol
import DebugPeer
import Foundation
import K8sVMTesting
import Testing

/// Bad input never hangs the peer or takes it down.
@Suite struct RobustnessTests {
    @Test func garbageBytesOnThePortCloseThatConnectionOnly() async throws {
        try await withDebugPeer { peer in
            let port = UInt16(peer.address!.split(separator: ":")[1])!
            let closedByPeer = try await offload { try sendGarbageAndAwaitClose(port: port) }
            #expect(closedByPeer)

            try await withChaincode(TestChaincode(), id: "testcc:1.0", on: peer) { _ throws in
                #expect(try await peer.invoke(chaincode: "testcc", "put", "k", "v").status == 200)
            }
        }
    }

    @Test func unimplementedMessageTypeIsAnsweredWithErrorNamingIt() async throws {
        try await withDebugPeer { peer in
            try await withRawStream(address: peer.address!) { stream in
                try await stream.registerAndAwaitReady("raw:1")
                let outcome = Task { try await peer.invoke(chaincode: "raw", "x") }
                let transaction = try #require(try await stream.next())

                for type in [Protos_ChaincodeMessage.TypeEnum.getQueryResult, .getHistoryForKey, .getPrivateDataHash, .getStateMultiple] {
                    stream.send(Protos_ChaincodeMessage(type: type, txid: transaction.txid, channelID: transaction.channelID))
                    let reply = try #require(try await stream.next())
                    #expect(reply.type == .error)
                    #expect(reply.txid == transaction.txid)
                    #expect(String(decoding: reply.payload, as: UTF8.self).contains("does not implement \(type.protoName)"))
                }
                // A request for a transaction the peer never sent has no ledger context.
                stream.send(Protos_ChaincodeMessage(type: .getState, txid: "unknown-tx", channelID: transaction.channelID))
                let orphan = try #require(try await stream.next())
                #expect(orphan.type == .error)
                #expect(String(decoding: orphan.payload, as: UTF8.self).contains("no ledger context"))

                stream.send(.error("chaincode gave up", answering: transaction))
                await #expect(throws: DebugPeerError.transactionFailed(chaincode: "raw:1", txID: transaction.txid, message: "chaincode gave up")) {
                    try await outcome.value
                }
            }
        }
    }

    @Test func cancellingAnInvokeThatNeverCompletesReturnsPromptly() async throws {
        try await withDebugPeer { peer in
            try await withRawStream(address: peer.address!) { stream in
                try await stream.registerAndAwaitReady("silent:1")
                let invoke = Task { try await peer.invoke(chaincode: "silent", "x") }
                #expect(try await stream.next()?.type == .transaction)
                invoke.cancel()
                let outcome = try await withTimeout(5, "the cancelled invoke") { await invoke.result }
                #expect(throws: CancellationError.self) { try outcome.get() }
            }
        }
    }

    @Test func oversizedMessagesAreRejected() async throws {
        try await withDebugPeer(configure: { $0.maxMessageSize = 64 * 1024 }) { peer in
            try await withChaincode(TestChaincode(), id: "testcc:1.0", on: peer) { _ in
                let big = String(repeating: "x", count: 100 * 1024)
                // Peer → chaincode: refused before sending.
                do {
                    _ = try await peer.invoke(chaincode: "testcc", args: [Data("put".utf8), Data("k".utf8), Data(big.utf8)])
                    Issue.record("an oversized TRANSACTION must be refused")
                } catch DebugPeerError.messageTooLarge(let size, let limit) {
                    #expect(size > 100 * 1024)
                    #expect(limit == 64 * 1024)
                }
                // Chaincode → peer: a PUT_STATE over the limit kills that stream; the invoke fails clearly.
                try await withChaincode(TestChaincode(), id: "bigger:1.0", on: peer) { _ in
                    do {
                        _ = try await peer.invoke(chaincode: "bigger", "putLarge", "k", "\(70 * 1024)")
                        Issue.record("an oversized PUT_STATE must fail the invoke")
                    } catch let error as DebugPeerError {
                        guard case .chaincodeDisconnected(let id, _, _) = error else { Issue.record("unexpected \(error)"); return }
                        #expect(id == "bigger:1.0")
                    }
                    #expect(peer.state.value(channel: "devchannel", namespace: "bigger", key: "k") == nil)
                    // Others keep working.
                    #expect(try await peer.invoke(chaincode: "testcc", "put", "k", "small").status == 200)
                }
            }
        }
    }
}

/// Connects a raw TCP socket, writes non-HTTP/2 bytes, returns whether the peer closed it.
private func sendGarbageAndAwaitClose(port: UInt16) throws -> Bool {
    let socket = try LoopbackSocket(port: port)
    socket.write(Array("this is not HTTP/2 at all\r\n\r\n".utf8) + (0..<512).map { UInt8(truncatingIfNeeded: $0 &* 7) })
    return socket.readToEnd() != nil  // nil: still open after the timeout
}
