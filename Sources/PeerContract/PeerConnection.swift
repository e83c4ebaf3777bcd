import Foundation

/// The peer's `chaincode.json`: who the chaincode is and how it dials back to its peer.
///
/// A Fabric peer writes it into `RUN_METADATA_DIR` before calling `bin/run`; the debug peer makes the same document
/// for its launches. The certificate fields are empty strings when the peer runs without TLS.
public struct PeerConnection: Sendable, Equatable, Hashable {
    /// The package ID (`label:hash`), or `name:version` in dev mode.
    public var chaincodeID: String
    /// `host:port` of the peer's chaincode listener.
    public var peerAddress: String
    /// The TLS material the peer issued for this launch; nil when the peer runs without TLS.
    public var tls: TLSMaterial?
    /// The peer's local MSP id (Fabric 2.2 writes none).
    public var mspID: String

    /// The file's name in `RUN_METADATA_DIR`.
    public static let fileName = "chaincode.json"

    public init(chaincodeID: String, peerAddress: String, tls: TLSMaterial? = nil, mspID: String = "") {
        self.chaincodeID = chaincodeID
        self.peerAddress = peerAddress
        self.tls = tls
        self.mspID = mspID
    }

    /// Reads and validates `DIR/chaincode.json`.
    public static func load(fromDirectory directory: String) throws -> PeerConnection {
        let file = directory + "/" + fileName
        guard let data = FileManager.default.contents(atPath: file) else {
            throw PeerContractError("cannot read \(file): no such file")
        }
        return try decode(data, source: file)
    }

    /// Decodes and validates the peer's JSON; `source` names the file in errors.
    public static func decode(_ data: Data, source: String = fileName) throws -> PeerConnection {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw PeerContractError("\(source): malformed JSON")
        }
        func string(_ key: String) throws -> String {
            switch object[key] {
            case nil, is NSNull: return ""
            case let value as String: return value
            default: throw PeerContractError("\(source): \"\(key)\" must be a string")
            }
        }
        let chaincodeID = try string("chaincode_id")
        let peerAddress = try string("peer_address")
        guard !chaincodeID.isEmpty else { throw PeerContractError("\(source): missing \"chaincode_id\"") }
        guard !peerAddress.isEmpty else { throw PeerContractError("\(source): missing \"peer_address\"") }
        try validateAddress(peerAddress, source: source)

        let cert = try string("client_cert"), key = try string("client_key"), root = try string("root_cert")
        var tls: TLSMaterial?
        let given = [("client_cert", cert), ("client_key", key), ("root_cert", root)]
        if given.contains(where: { !$0.1.isEmpty }) {
            if let missing = given.first(where: { $0.1.isEmpty }) {
                throw PeerContractError("\(source): \"\(missing.0)\" is empty but other TLS fields are set (TLS needs all three)")
            }
            try check(cert, "client_cert", source, PEM.validateCertificates)
            try check(key, "client_key", source, PEM.validatePrivateKey)
            try check(root, "root_cert", source, PEM.validateCertificates)
            tls = TLSMaterial(clientCertificate: cert, clientKey: key, rootCertificate: root)
        }
        return PeerConnection(chaincodeID: chaincodeID, peerAddress: peerAddress, tls: tls, mspID: try string("mspid"))
    }

    private static func check(_ pem: String, _ key: String, _ source: String, _ validate: (String) throws -> Void) throws {
        do {
            try validate(pem)
        } catch {
            throw PeerContractError("\(source): \"\(key)\" is not valid PEM: \(error)")
        }
    }

    private static func validateAddress(_ address: String, source: String) throws {
        guard let colon = address.lastIndex(of: ":"), colon != address.startIndex,
              let port = Int(address[address.index(after: colon)...]), (1...65535).contains(port)
        else {
            throw PeerContractError("\(source): \"peer_address\" \"\(address)\" is not host:port")
        }
    }

    /// The JSON the peer writes for this connection, keys sorted.
    public func encoded() -> Data {
        let object: [String: String] = [
            "chaincode_id": chaincodeID, "peer_address": peerAddress,
            "client_cert": tls?.clientCertificate ?? "", "client_key": tls?.clientKey ?? "",
            "root_cert": tls?.rootCertificate ?? "", "mspid": mspID,
        ]
        return try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
    }

    /// Writes `chaincode.json` into `directory` with mode 0600, as the peer does, and returns its path.
    @discardableResult
    public func write(toDirectory directory: String) throws -> String {
        let path = directory + "/" + Self.fileName
        guard FileManager.default.createFile(atPath: path, contents: encoded(), attributes: [.posixPermissions: 0o600]) else {
            throw PeerContractError("cannot write \(path)")
        }
        return path
    }
}
