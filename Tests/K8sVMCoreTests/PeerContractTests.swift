import Foundation
import K8sVMCore
import PeerContract
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
        let shim = ShimEnvironment(connection: PeerConnection(chaincodeID: "a:1", peerAddress: "peer0:7052"), tlsDirectory: "/t")
        #expect(try shim.expanding(["-peer.address=${CORE_PEER_ADDRESS}", "--id", "${CORE_CHAINCODE_ID_NAME}", "plain"])
                == ["-peer.address=peer0:7052", "--id", "a:1", "plain"])
        #expect(throws: K8sVMError.self) { try shim.expanding(["${HOME}"]) }
        #expect(throws: K8sVMError.self) { try shim.expanding(["${CORE_PEER_ADDRESS"]) }
    }

    /// A backend's own record, as another build would store it.
    private struct ProcessBuild: Codable, Equatable {
        var executable: String
        var arguments: [String]
    }

    @Test func aBuildRecordReadsBackOnlyForTheBackendThatMadeIt() throws {
        var template = Array("/tmp/k8svm-record-XXXXXX".utf8CString)
        let directory = String(cString: mkdtemp(&template)!)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let build = ProcessBuild(executable: "chaincode", arguments: ["-peer.address=${CORE_PEER_ADDRESS}"])
        try BuildRecord(backend: "local", type: .golang, label: "cc_1", build: build).write(toDirectory: directory)

        // One flat JSON object, as earlier versions wrote it: a peer's cached builds stay readable.
        let stored = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/" + BuildRecord.fileName)))
        #expect((stored as? [String: Any])?.keys.sorted() == ["arguments", "backend", "executable", "label", "type"])

        let record = try BuildRecord.read(fromDirectory: directory)
        #expect(record.backend == "local" && record.type == .golang && record.label == "cc_1")
        #expect(try record.build(ProcessBuild.self, madeBy: "local") == build)
        #expect(throws: K8sVMError("this build was made by the local backend; the sandbox backend cannot start it (install the package again with backend sandbox)")) {
            try record.build(ProcessBuild.self, madeBy: "sandbox")
        }
    }

    @Test func chaincodeJSONWithoutMspidStillReads() throws {
        // Fabric 2.2 writes no mspid.
        let connection = try PeerConnection.decode(Data(#"{"chaincode_id":"cc:1","peer_address":"peer0.org1:7052","client_cert":"","client_key":"","root_cert":""}"#.utf8))
        #expect(connection == PeerConnection(chaincodeID: "cc:1", peerAddress: "peer0.org1:7052"))
        #expect(try PeerConnection.decode(connection.encoded()) == connection)
    }

    @Test func theShimEnvironmentHasNineVariablesAndFiveFilesWithTLS() {
        let tls = TLSMaterial(clientCertificate: "CERT", clientKey: "KEY", rootCertificate: "ROOT")
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
