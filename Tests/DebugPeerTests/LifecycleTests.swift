import ChaincodeShim
import DebugPeer
import DebugPeerAPI
import Foundation
import K8sVMTesting
import PeerContract
import TestSupport
import Testing

/// Mutual TLS is enforced, and starting/stopping never leaves anything hanging.
@Suite struct LifecycleTests {
    @Test func tlsPeerRefusesClientCertificatesFromAnotherCA() async throws {
        try await withDebugPeer(tls: true) { peer in
            let launch = try peer.launchConfiguration(chaincodeID: "intruder:1.0")
            let stranger = try CertificateAuthority(commonName: "someone else").issue(commonName: "intruder", usage: .client, validFor: 600)
            let port = Int(launch.peerAddress.split(separator: ":")[1])!
            let configuration = ShimConfiguration(
                chaincodeID: "intruder:1.0", peerHost: "127.0.0.1", peerPort: port,
                tls: TLSMaterial(clientCertificate: stranger.certificatePEM, clientKey: stranger.privateKeyPEM,
                                 rootCertificate: launch.tls!.rootCertificate))
            await expectRefused(configuration)
            let plaintext = ShimConfiguration(chaincodeID: "intruder:1.0", peerHost: "127.0.0.1", peerPort: port)
            await expectRefused(plaintext)
            #expect(peer.registeredChaincodes.isEmpty)
        }
    }

    @Test func stoppingThePeerEndsChaincodeStreamsAndPendingInvokes() async throws {
        let peer = try DebugPeer(configuration: DebugPeerConfiguration(port: 0))
        try await peer.start()
        let launch = try peer.launchConfiguration(chaincodeID: "cc:1")
        let port = Int(launch.peerAddress.split(separator: ":")[1])!
        let chaincode = Task {
            try await ChaincodeServer.run(TestChaincode(), configuration: ShimConfiguration(chaincodeID: "cc:1", peerHost: "127.0.0.1", peerPort: port))
        }
        // Stopping the peer is what this test checks; should it throw before, the peer and the chaincode still stop.
        try await withCleanup({ await peer.stop(); chaincode.cancel() }) {
            try await withTimeout(10, "registration") { await peer.waitForRegistration(of: "cc:1") }
            let events = peer.events()
            try await withTimeout(10, "the peer to stop") { await peer.stop() }
            // The shim sees the stream end (returns or throws), the event stream finishes, invokes are refused.
            _ = try await withTimeout(10, "the chaincode to notice") { await chaincode.result }
            let ended = try await withTimeout(5, "the event stream to finish") { () -> Bool in
                var iterator = events.makeAsyncIterator()
                return await iterator.next() == nil
            }
            #expect(ended)
            await #expect(throws: DebugPeerError.notRunning) { try await peer.invoke(chaincode: "cc", "get", "k") }
        }
    }

    @Test func startFailsWhenThePortIsTaken() async throws {
        try await withDebugPeer { peer in
            let port = Int(peer.address!.split(separator: ":")[1])!
            let second = try DebugPeer(configuration: DebugPeerConfiguration(port: port))
            // Each stop is for the case the start wrongly succeeds.
            try await withCleanup({ await second.stop() }) {
                await #expect(throws: (any Error).self) { try await withTimeout(10, "start to fail") { try await second.start() } }
                #expect(second.address == nil)
            }

            let api = DebugPeerHTTPServer(peer: peer, port: 0)
            let apiPort = Int(try await api.start().split(separator: ":")[1])!
            let clash = DebugPeerHTTPServer(peer: peer, port: apiPort)
            try await withCleanup({ await clash.stop(); await api.stop() }) {
                await #expect(throws: (any Error).self) { try await withTimeout(10, "start to fail") { try await clash.start() } }
            }
        }
    }

    @Test func shimFailsFastWhenNoPeerListens() async throws {
        let configuration = ShimConfiguration(chaincodeID: "cc:1", peerHost: "127.0.0.1", peerPort: 1)
        await expectRefused(configuration)
    }

    /// The shim must fail by itself (not by our timeout) for `configuration`.
    private func expectRefused(_ configuration: ShimConfiguration, sourceLocation: SourceLocation = #_sourceLocation) async {
        do {
            try await withTimeout(10, "the connection to be refused") {
                try await ChaincodeServer.run(TestChaincode(), configuration: configuration)
            }
            Issue.record("the shim ran against a peer that should have refused it", sourceLocation: sourceLocation)
        } catch {
            #expect(!(error is TimedOut), "\(error)", sourceLocation: sourceLocation)
        }
    }
}
