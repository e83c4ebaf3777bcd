import ChaincodeShim
import Foundation
import Testing

/// The shim reads the Go shim's variables and flag, and explains what is wrong.
@Suite struct ShimConfigurationTests {
    let base = ["CORE_CHAINCODE_ID_NAME": "cc:1", "CORE_PEER_TLS_ENABLED": "false"]

    @Test func readsPlaintextConfigurationAndBothFlagSpellings() throws {
        let single = try ShimConfiguration.load(environment: base, arguments: ["-peer.address=127.0.0.1:7052"])
        #expect(single == ShimConfiguration(chaincodeID: "cc:1", peerHost: "127.0.0.1", peerPort: 7052))
        let double = try ShimConfiguration.load(environment: base, arguments: ["--peer.address", "peer0.org1:7052"])
        #expect(double.peerHost == "peer0.org1")
        #expect(double.tls == nil)
    }

    @Test func missingOrInvalidSettingsAreExplained() {
        #expect(throws: ShimConfiguration.Invalid(description: "'CORE_CHAINCODE_ID_NAME' must be set")) {
            try ShimConfiguration.load(environment: [:], arguments: ["-peer.address=h:1"])
        }
        #expect(throws: ShimConfiguration.Invalid.self) { try ShimConfiguration.load(environment: base, arguments: []) }
        #expect(throws: ShimConfiguration.Invalid.self) { try ShimConfiguration.load(environment: base, arguments: ["-peer.address=nohost"]) }
        var unsetTLS = base
        unsetTLS["CORE_PEER_TLS_ENABLED"] = nil
        #expect(throws: ShimConfiguration.Invalid(description: "'CORE_PEER_TLS_ENABLED' must be set to 'true' or 'false'")) {
            try ShimConfiguration.load(environment: unsetTLS, arguments: ["-peer.address=h:1"])
        }
        var tlsWithoutFiles = base
        tlsWithoutFiles["CORE_PEER_TLS_ENABLED"] = "true"
        #expect(throws: ShimConfiguration.Invalid.self) { try ShimConfiguration.load(environment: tlsWithoutFiles, arguments: ["-peer.address=h:1"]) }
    }

    @Test func prefersPEMFilesOverBase64Paths() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shimcfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func write(_ name: String, _ text: String) throws -> String {
            let url = directory.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url.path
        }
        let cert = "-----BEGIN CERTIFICATE-----\nPEMCERT\n-----END CERTIFICATE-----\n"
        let key = "-----BEGIN PRIVATE KEY-----\nPEMKEY\n-----END PRIVATE KEY-----\n"
        let oldCert = cert.replacingOccurrences(of: "PEMCERT", with: "B64CERT")
        var environment = base
        environment["CORE_PEER_TLS_ENABLED"] = "true"
        environment["CORE_PEER_TLS_ROOTCERT_FILE"] = try write("peer.crt", cert)
        environment["CORE_TLS_CLIENT_KEY_PATH"] = try write("client.key", Data(key.utf8).base64EncodedString())
        environment["CORE_TLS_CLIENT_CERT_PATH"] = try write("client.crt", Data(oldCert.utf8).base64EncodedString())
        let fromBase64 = try ShimConfiguration.load(environment: environment, arguments: ["-peer.address=127.0.0.1:7052"])
        #expect(fromBase64.tls?.clientCertificate == oldCert)
        #expect(fromBase64.tls?.clientKey == key)

        environment["CORE_TLS_CLIENT_CERT_FILE"] = try write("client_pem.crt", cert)
        environment["CORE_TLS_CLIENT_KEY_FILE"] = try write("client_pem.key", key)
        let fromPEM = try ShimConfiguration.load(environment: environment, arguments: ["-peer.address=127.0.0.1:7052"])
        #expect(fromPEM.tls?.clientCertificate == cert)
        #expect(fromPEM.tls?.rootCertificate == cert)

        environment["CORE_TLS_CLIENT_KEY_FILE"] = nil
        environment["CORE_TLS_CLIENT_KEY_PATH"] = try write("bad.key", "%%% not base64 %%%")
        #expect(throws: ShimConfiguration.Invalid.self) { try ShimConfiguration.load(environment: environment, arguments: ["-peer.address=127.0.0.1:7052"]) }
    }
}
