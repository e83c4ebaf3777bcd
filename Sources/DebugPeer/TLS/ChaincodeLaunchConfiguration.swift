import Foundation

/// The contents of the `chaincode.json` a Fabric peer writes into an external
/// builder's `RUN_METADATA_DIR` before calling `bin/run`: how a chaincode process
/// finds and authenticates to its peer. The certificate fields are empty strings
/// when the peer runs without TLS.
public struct ChaincodeLaunchConfiguration: Codable, Sendable, Hashable {
    /// The chaincode id to REGISTER with (a package ID `label:hash`, or `name:version`).
    public var chaincodeID: String
    /// `host:port` of the peer's chaincode listener.
    public var peerAddress: String
    /// PEM client certificate issued for this launch.
    public var clientCert: String
    /// PEM (PKCS#8) private key of `clientCert`.
    public var clientKey: String
    /// PEM CA certificate that signed the peer's server certificate.
    public var rootCert: String
    /// The peer's local MSP id.
    public var mspID: String

    enum CodingKeys: String, CodingKey {
        case chaincodeID = "chaincode_id"
        case peerAddress = "peer_address"
        case clientCert = "client_cert"
        case clientKey = "client_key"
        case rootCert = "root_cert"
        case mspID = "mspid"
    }

    /// Creates a launch configuration.
    public init(chaincodeID: String, peerAddress: String, clientCert: String = "", clientKey: String = "", rootCert: String = "", mspID: String) {
        self.chaincodeID = chaincodeID
        self.peerAddress = peerAddress
        self.clientCert = clientCert
        self.clientKey = clientKey
        self.rootCert = rootCert
        self.mspID = mspID
    }

    /// Whether the peer requires TLS (a root certificate is present).
    public var tlsEnabled: Bool { !rootCert.isEmpty }

    /// The JSON document, keys sorted, as written to `chaincode.json`.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Writes `chaincode.json` into `directory` with mode 0600, as the peer does.
    @discardableResult
    public func write(toDirectory directory: URL) throws -> URL {
        let url = directory.appendingPathComponent("chaincode.json")
        let created = FileManager.default.createFile(
            atPath: url.path, contents: try jsonData(), attributes: [.posixPermissions: 0o600])
        guard created else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path]) }
        return url
    }
}
