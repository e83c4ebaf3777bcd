import Foundation

/// What the peer tells `bin/run` in `RUN_METADATA_DIR/chaincode.json`: who the chaincode is and how to dial back.
public struct PeerConnection: Sendable, Equatable {
    /// The TLS material the peer issued for this launch (PEM). Absent when the peer runs without TLS.
    public struct TLS: Sendable, Equatable {
        public var clientCertificate: String
        public var clientKey: String
        public var rootCertificate: String

        public init(clientCertificate: String, clientKey: String, rootCertificate: String) {
            self.clientCertificate = clientCertificate
            self.clientKey = clientKey
            self.rootCertificate = rootCertificate
        }
    }

    /// The package ID (`label:hash`), or `name:version` in dev mode.
    public var chaincodeID: String
    /// `host:port` of the peer's chaincode listener.
    public var peerAddress: String
    public var tls: TLS?
    public var mspID: String

    public init(chaincodeID: String, peerAddress: String, tls: TLS? = nil, mspID: String = "") {
        self.chaincodeID = chaincodeID
        self.peerAddress = peerAddress
        self.tls = tls
        self.mspID = mspID
    }

    /// Reads and validates `DIR/chaincode.json`.
    public static func load(fromDirectory directory: String) throws -> PeerConnection {
        let file = directory + "/chaincode.json"
        guard let data = FileManager.default.contents(atPath: file) else {
            throw K8sVMError("cannot read \(file): no such file")
        }
        return try decode(data, source: file)
    }

    /// Decodes and validates the peer's JSON; `source` names the file in errors.
    public static func decode(_ data: Data, source: String = "chaincode.json") throws -> PeerConnection {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw K8sVMError("\(source): malformed JSON")
        }
        func string(_ key: String) throws -> String {
            switch object[key] {
            case nil, is NSNull: return ""
            case let value as String: return value
            default: throw K8sVMError("\(source): \"\(key)\" must be a string")
            }
        }
        let chaincodeID = try string("chaincode_id")
        let peerAddress = try string("peer_address")
        guard !chaincodeID.isEmpty else { throw K8sVMError("\(source): missing \"chaincode_id\"") }
        guard !peerAddress.isEmpty else { throw K8sVMError("\(source): missing \"peer_address\"") }
        try validateAddress(peerAddress, source: source)

        let cert = try string("client_cert"), key = try string("client_key"), root = try string("root_cert")
        var tls: TLS?
        let given = [("client_cert", cert), ("client_key", key), ("root_cert", root)]
        if given.contains(where: { !$0.1.isEmpty }) {
            if let missing = given.first(where: { $0.1.isEmpty }) {
                throw K8sVMError("\(source): \"\(missing.0)\" is empty but other TLS fields are set (TLS needs all three)")
            }
            try check(cert, "client_cert", source, PEM.validateCertificates)
            try check(key, "client_key", source, PEM.validatePrivateKey)
            try check(root, "root_cert", source, PEM.validateCertificates)
            tls = TLS(clientCertificate: cert, clientKey: key, rootCertificate: root)
        }
        return PeerConnection(chaincodeID: chaincodeID, peerAddress: peerAddress, tls: tls, mspID: try string("mspid"))
    }

    private static func check(_ pem: String, _ key: String, _ source: String, _ validate: (String) throws -> Void) throws {
        do {
            try validate(pem)
        } catch {
            throw K8sVMError("\(source): \"\(key)\" is not valid PEM: \(error)")
        }
    }

    private static func validateAddress(_ address: String, source: String) throws {
        guard let colon = address.lastIndex(of: ":"), colon != address.startIndex,
              let port = Int(address[address.index(after: colon)...]), (1...65535).contains(port)
        else {
            throw K8sVMError("\(source): \"peer_address\" \"\(address)\" is not host:port")
        }
    }

    /// The JSON the peer would write for this connection (used by the debug peer and by tests).
    public func encoded() -> Data {
        let object: [String: String] = [
            "chaincode_id": chaincodeID, "peer_address": peerAddress,
            "client_cert": tls?.clientCertificate ?? "", "client_key": tls?.clientKey ?? "",
            "root_cert": tls?.rootCertificate ?? "", "mspid": mspID,
        ]
        return try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }
}
