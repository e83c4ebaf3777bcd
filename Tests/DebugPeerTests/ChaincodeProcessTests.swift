import ChaincodeProtocol
import DebugPeer
import Foundation
import K8sVMTesting
import PeerContract
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The example asset-transfer chaincode as a real child process, launched from
/// the `chaincode.json` the peer issued, as an external builder's `run` would.
@Suite(.serialized) struct ChaincodeProcessTests {
    static let packageID = "asset-transfer_1.0:8b3e6f1c0f7c4c2e9d9a4d6f0b1e2a3c4d5e6f708192a3b4c5d6e7f8091a2b3c"

    @Test(arguments: [ChaincodeProcess.KeyStyle.pemAndBase64, .base64Only])
    func assetTransferOverMutualTLS(keyStyle: ChaincodeProcess.KeyStyle) async throws {
        try await withDebugPeer(tls: true) { peer in
            let launch = try peer.launchConfiguration(chaincodeID: Self.packageID)
            #expect(launch.tls != nil)
            #expect(launch.tls?.clientKey.contains("BEGIN PRIVATE KEY") == true)
            let chaincode = try ChaincodeProcess(launch: launch, keyStyle: keyStyle)
            defer { chaincode.kill() }
            try await withTimeout(30, "the chaincode process to register") { await peer.waitForRegistration(of: Self.packageID) }

            let events = peer.events()
            let created = try await peer.invoke(chaincode: Self.packageID, "CreateAsset", "asset1", "blue", "5", "Tomoko", "300")
            #expect(created.status == 200)
            #expect(created.text == #"{"AppraisedValue":300,"Color":"blue","ID":"asset1","Owner":"Tomoko","Size":5}"#)
            _ = try await peer.invoke(chaincode: Self.packageID, "CreateAsset", "asset2", "red", "7", "Brad", "400")
            let duplicate = try await peer.invoke(chaincode: Self.packageID, "CreateAsset", "asset1", "blue", "5", "Tomoko", "300")
            #expect(duplicate.status == 500)
            #expect(duplicate.message == "the asset asset1 already exists")

            #expect(try await peer.invoke(chaincode: Self.packageID, "TransferAsset", "asset1", "Max").text == "Tomoko")
            let read = try await peer.query(chaincode: Self.packageID, "ReadAsset", "asset1")
            #expect(read.text.contains(#""Owner":"Max""#))
            let all = try await peer.query(chaincode: Self.packageID, "GetAllAssets")
            #expect(all.text.contains("asset1") && all.text.contains("asset2"))
            #expect(try await peer.invoke(chaincode: Self.packageID, "DeleteAsset", "asset2").status == 200)
            #expect(try await peer.query(chaincode: Self.packageID, "AssetExists", "asset2").text == "false")

            let event = try await withTimeout(5, "the CreateAsset event") { () -> ChaincodeEventRecord? in
                var iterator = events.makeAsyncIterator()
                return await iterator.next()
            }
            #expect(event?.name == "CreateAsset")
            #expect(event?.payload == created.payload)
        }
    }

    @Test func killedMidTransactionFailsThatInvokeAndRestartRegistersAgain() async throws {
        try await withDebugPeer(tls: true) { peer in
            try await withChaincode(TestChaincode(), id: "testcc:1.0", on: peer) { _ in
                let first = try ChaincodeProcess(launch: try peer.launchConfiguration(chaincodeID: "asset:1.0"))
                defer { first.kill() }
                try await withTimeout(30, "registration") { await peer.waitForRegistration(of: "asset:1.0") }
                _ = try await peer.invoke(chaincode: "asset", "CreateAsset", "a1", "green", "1", "Ann", "10")

                // Freeze the process so the next transaction is in flight when it dies.
                first.signal(SIGSTOP)
                let pending = Task { try await peer.invoke(chaincode: "asset", "TransferAsset", "a1", "Bob") }
                try await Task.sleep(for: .milliseconds(200))
                first.signal(SIGKILL)
                do {
                    _ = try await withTimeout(10, "the in-flight invoke to fail") { try await pending.value }
                    Issue.record("the invoke must fail when the chaincode dies")
                } catch let error as DebugPeerError {
                    guard case .chaincodeDisconnected(let id, _, _) = error else { Issue.record("unexpected \(error)"); return }
                    #expect(id == "asset:1.0")
                    #expect(error.description.contains("disconnected"))
                }
                #expect(try await first.waitForExit(timeout: 10) != 0)
                // The peer keeps serving the others.
                #expect(try await peer.invoke(chaincode: "testcc", "put", "k", "v").status == 200)

                // Run again with fresh certificates: the same id registers again; committed state survived.
                let second = try ChaincodeProcess(launch: try peer.launchConfiguration(chaincodeID: "asset:1.0"))
                defer { second.kill() }
                try await withTimeout(30, "re-registration") { await peer.waitForRegistration(of: "asset:1.0") }
                #expect(try await peer.query(chaincode: "asset", "ReadAsset", "a1").text.contains(#""Owner":"Ann""#))
            }
        }
    }

    @Test func missingConfigurationExitsNonZeroWithAMessage() async throws {
        let process = Process()
        process.executableURL = ChaincodeProcess.executable
        process.arguments = ["-peer.address=127.0.0.1:1"]
        process.environment = ["CORE_PEER_TLS_ENABLED": "false"]
        let stderr = Pipe()
        process.standardError = stderr
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(message.contains("CORE_CHAINCODE_ID_NAME"))
    }
}
