import ChaincodeShim
import DebugPeer
import Foundation
import K8sVMTesting
import PeerContract
import Testing

/// With TLS on, the debug peer accepts a REGISTER only with a client certificate it issued for that chaincode, as a
/// Fabric peer does.
@Suite struct ClientCertificateTests {
    /// Runs the Swift shim as `chaincodeID` with `tls` against `peer` until the peer ends it; returns why it ended.
    private func refusal(of chaincodeID: String, tls: TLSMaterial, on peer: DebugPeer) async throws -> String {
        let address = try #require(peer.address).split(separator: ":")
        let configuration = ShimConfiguration(chaincodeID: chaincodeID, peerHost: String(address[0]), peerPort: Int(address[1])!,
                                              tls: tls, mspID: peer.configuration.mspID)
        do {
            try await withTimeout(20, "the peer to end \(chaincodeID)") {
                try await ChaincodeServer.run(TestChaincode(), configuration: configuration)
            }
            Issue.record("the chaincode ran to its end without an error")
            return ""
        } catch let error as TimedOut {
            throw error
        } catch {
            return String(describing: error)
        }
    }

    @Test func aCertificateIssuedForAnotherChaincodeIsRefusedAtRegister() async throws {
        try await withDebugPeer(tls: true) { peer in
            let forA = try #require(try peer.launchConfiguration(chaincodeID: "a:1.0").tls)
            let reason = try await refusal(of: "b:1.0", tls: forA, on: peer)
            #expect(reason.contains("chaincode b:1.0 presented the client certificate the debug peer issued for a:1.0"), "\(reason)")
            #expect(peer.registeredChaincodes.isEmpty)

            // The certificate's own chaincode registers with it.
            try await withChaincode(TestChaincode(), id: "a:1.0", on: peer) { _ in
                #expect(peer.registeredChaincodes == ["a:1.0"])
            }
        }
    }

    @Test func aCertificateOfThePeersCANotHandedToAChaincodeIsRefused() async throws {
        try await withDebugPeer(tls: true) { peer in
            let minted = try peer.certificateAuthority.issue(commonName: "a:1.0", usage: .client, validFor: 600)
            let tls = TLSMaterial(clientCertificate: minted.certificatePEM, clientKey: minted.privateKeyPEM,
                                  rootCertificate: peer.certificateAuthority.certificatePEM)
            let reason = try await refusal(of: "a:1.0", tls: tls, on: peer)
            #expect(reason.contains("chaincode a:1.0 presented a client certificate the debug peer did not issue to any chaincode"),
                    "\(reason)")
        }
    }

    @Test func aCertificateFromAnotherPeersCAIsRefused() async throws {
        try await withDebugPeer(tls: true) { other in
            let foreign = try #require(try other.launchConfiguration(chaincodeID: "a:1.0").tls)
            try await withDebugPeer(tls: true) { peer in
                let own = try #require(try peer.launchConfiguration(chaincodeID: "a:1.0").tls)
                // The other CA's client certificate, with this peer's root so that the shim trusts the server.
                let mixed = TLSMaterial(clientCertificate: foreign.clientCertificate, clientKey: foreign.clientKey,
                                        rootCertificate: own.rootCertificate)
                let reason = try await refusal(of: "a:1.0", tls: mixed, on: peer)
                #expect(!reason.isEmpty)
                #expect(peer.registeredChaincodes.isEmpty, "the TLS handshake refuses a certificate of another CA")
            }
        }
    }
}
