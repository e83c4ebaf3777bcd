import Foundation
import K8sVMCore
import Testing

/// The peer's files, read as the peer writes them.
@Suite struct PeerContractTests {
    @Test func metadataTypesAreCaseInsensitiveAndK8sMeansImage() throws {
        #expect(try PackageMetadata.decode(Data(#"{"type":"GOLANG","label":"a","path":"x"}"#.utf8)).type == .golang)
        let k8s = try PackageMetadata.decode(Data(#"{"type":"k8s","label":"a"}"#.utf8))
        #expect(k8s.type == .image)
        #expect(k8s.typeName == "k8s")
    }

    @Test func binaryMetadataMayNameExecutableAndArguments() throws {
        let metadata = try PackageMetadata.decode(Data(#"{"type":"binary","label":"a","executable":"bin/cc","arguments":["--peer","${CORE_PEER_ADDRESS}"]}"#.utf8))
        #expect(metadata.executable == "bin/cc")
        #expect(metadata.arguments == ["--peer", "${CORE_PEER_ADDRESS}"])
        #expect(throws: K8sVMError("metadata.json: \"arguments\" must be an array of strings")) {
            try PackageMetadata.decode(Data(#"{"type":"binary","label":"a","arguments":[1]}"#.utf8))
        }
    }

    @Test func startArgumentsExpandTheShimsVariablesOnly() throws {
        let record = BuildRecord(backend: "local", type: .binary, label: "a", executable: "cc",
                                 arguments: ["-peer.address=${CORE_PEER_ADDRESS}", "--id", "${CORE_CHAINCODE_ID_NAME}", "plain"])
        let shim = ShimEnvironment(connection: PeerConnection(chaincodeID: "a:1", peerAddress: "peer0:7052"), tlsDirectory: "/t")
        #expect(try record.expandedArguments(variables: shim.variables) == ["-peer.address=peer0:7052", "--id", "a:1", "plain"])
        let leaky = BuildRecord(backend: "local", type: .binary, label: "a", arguments: ["${HOME}"])
        #expect(throws: K8sVMError.self) { try leaky.expandedArguments(variables: shim.variables) }
    }

    @Test func chaincodeJSONWithoutMspidStillReads() throws {
        // Fabric 2.2 writes no mspid.
        let connection = try PeerConnection.decode(Data(#"{"chaincode_id":"cc:1","peer_address":"peer0.org1:7052","client_cert":"","client_key":"","root_cert":""}"#.utf8))
        #expect(connection == PeerConnection(chaincodeID: "cc:1", peerAddress: "peer0.org1:7052"))
        #expect(try PeerConnection.decode(connection.encoded()) == connection)
    }

    @Test func theShimEnvironmentHasNineVariablesAndFiveFilesWithTLS() {
        let tls = PeerConnection.TLS(clientCertificate: "CERT", clientKey: "KEY", rootCertificate: "ROOT")
        let shim = ShimEnvironment(connection: PeerConnection(chaincodeID: "cc:1", peerAddress: "p:1", tls: tls, mspID: "Org1MSP"),
                                   tlsDirectory: "/etc/hyperledger/fabric")
        #expect(shim.variables.map(\.0) == [
            "CORE_CHAINCODE_ID_NAME", "CORE_PEER_ADDRESS", "CORE_PEER_TLS_ENABLED", "CORE_PEER_TLS_ROOTCERT_FILE",
            "CORE_TLS_CLIENT_KEY_PATH", "CORE_TLS_CLIENT_CERT_PATH", "CORE_TLS_CLIENT_KEY_FILE", "CORE_TLS_CLIENT_CERT_FILE",
            "CORE_PEER_LOCALMSPID",
        ])
        #expect(shim.files == [
            "peer.crt": Data("ROOT".utf8), "client_pem.key": Data("KEY".utf8), "client_pem.crt": Data("CERT".utf8),
            "client.key": Data("S0VZ".utf8), "client.crt": Data("Q0VSVA==".utf8),
        ])
    }

    @Test func imageJSONNeedsAPinnedDigest() throws {
        var directory = Array("/tmp/k8svm-image-XXXXXX".utf8CString)
        let path = String(cString: mkdtemp(&directory)!)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let digest = "sha256:" + String(repeating: "ab", count: 32)
        try #"{"name":"registry.example/cc","digest":"\#(digest)"}"#.write(toFile: path + "/image.json", atomically: false, encoding: .utf8)
        #expect(try ImageReference.load(fromDirectory: path).pinned == "registry.example/cc@\(digest)")
        try #"{"name":"registry.example/cc","digest":"latest"}"#.write(toFile: path + "/image.json", atomically: false, encoding: .utf8)
        #expect(throws: K8sVMError.self) { try ImageReference.load(fromDirectory: path) }
    }
}
