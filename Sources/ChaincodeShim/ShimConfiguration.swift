import PeerContract
import Foundation

/// Where and how a chaincode process dials its peer, read exactly as the Go shim
/// reads it: `CORE_CHAINCODE_ID_NAME`, the flag `-peer.address=HOST:PORT` (also
/// `--peer.address HOST:PORT`), `CORE_PEER_TLS_ENABLED`,
/// `CORE_PEER_TLS_ROOTCERT_FILE`, the client key/cert from
/// `CORE_TLS_CLIENT_KEY_FILE`/`CORE_TLS_CLIENT_CERT_FILE` (PEM) or else
/// `CORE_TLS_CLIENT_KEY_PATH`/`CORE_TLS_CLIENT_CERT_PATH` (base64 of PEM), and
/// `CORE_PEER_LOCALMSPID`.
public struct ShimConfiguration: Sendable, Equatable {
    /// The id sent in REGISTER.
    public var chaincodeID: String
    /// The peer's host.
    public var peerHost: String
    /// The peer's port.
    public var peerPort: Int
    /// Mutual TLS material; nil for plaintext.
    public var tls: TLSMaterial?
    /// `CORE_PEER_LOCALMSPID`, if set.
    public var mspID: String?


    /// Creates a configuration directly (tests, embedding).
    public init(chaincodeID: String, peerHost: String, peerPort: Int, tls: TLSMaterial? = nil, mspID: String? = nil) {
        self.chaincodeID = chaincodeID
        self.peerHost = peerHost
        self.peerPort = peerPort
        self.tls = tls
        self.mspID = mspID
    }

    /// A configuration problem, described for a human; the process should exit non-zero.
    public struct Invalid: Error, CustomStringConvertible, Equatable {
        /// What is wrong and which variable or flag to fix.
        public var description: String

        /// Creates a configuration error with its explanation.
        public init(description: String) { self.description = description }
    }

    /// Reads the configuration from the environment and the command-line arguments (without argv[0]).
    public static func load(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        arguments: [String] = Array(CommandLine.arguments.dropFirst())
    ) throws(Invalid) -> ShimConfiguration {
        guard let chaincodeID = environment["CORE_CHAINCODE_ID_NAME"], !chaincodeID.isEmpty else {
            throw Invalid(description: "'CORE_CHAINCODE_ID_NAME' must be set")
        }
        guard let address = peerAddress(in: arguments) else {
            throw Invalid(description: "the peer address must be given with the flag -peer.address=HOST:PORT")
        }
        let (host, port) = try splitHostPort(address)
        guard let tlsEnabled = parseBool(environment["CORE_PEER_TLS_ENABLED"] ?? "") else {
            throw Invalid(description: "'CORE_PEER_TLS_ENABLED' must be set to 'true' or 'false'")
        }
        let mspID = environment["CORE_PEER_LOCALMSPID"].flatMap { $0.isEmpty ? nil : $0 }
        guard tlsEnabled else {
            return ShimConfiguration(chaincodeID: chaincodeID, peerHost: host, peerPort: port, mspID: mspID)
        }
        let key = try clientMaterial(environment, pemVariable: "CORE_TLS_CLIENT_KEY_FILE", base64Variable: "CORE_TLS_CLIENT_KEY_PATH", what: "private key")
        let cert = try clientMaterial(environment, pemVariable: "CORE_TLS_CLIENT_CERT_FILE", base64Variable: "CORE_TLS_CLIENT_CERT_PATH", what: "certificate")
        guard let rootPath = environment["CORE_PEER_TLS_ROOTCERT_FILE"], !rootPath.isEmpty else {
            throw Invalid(description: "root cert file not provided for chaincode: set 'CORE_PEER_TLS_ROOTCERT_FILE'")
        }
        let root = try readText(rootPath, what: "root cert file ('CORE_PEER_TLS_ROOTCERT_FILE')")
        guard root.contains("-----BEGIN CERTIFICATE-----") else {
            throw Invalid(description: "failed to load root cert file \(rootPath): no PEM certificate in it")
        }
        guard cert.contains("-----BEGIN CERTIFICATE-----"), key.contains("PRIVATE KEY-----") else {
            throw Invalid(description: "failed to parse client key pair: expected a PEM certificate and a PEM private key")
        }
        return ShimConfiguration(
            chaincodeID: chaincodeID, peerHost: host, peerPort: port,
            tls: TLSMaterial(clientCertificate: cert, clientKey: key, rootCertificate: root), mspID: mspID)
    }

    /// The value of `-peer.address` / `--peer.address`, as `=VALUE` or as the next argument.
    static func peerAddress(in arguments: [String]) -> String? {
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            for flag in ["-peer.address", "--peer.address"] {
                if argument == flag, index + 1 < arguments.endIndex { return arguments[index + 1] }
                if argument.hasPrefix(flag + "=") { return String(argument.dropFirst(flag.count + 1)) }
            }
            index += 1
        }
        return nil
    }

    static func splitHostPort(_ address: String) throws(Invalid) -> (String, Int) {
        let invalid = Invalid(description: "invalid peer address '\(address)': expected HOST:PORT")
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
              (1...65535).contains(port) else { throw invalid }
        var host = String(address[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw invalid }
        return (host, port)
    }

    /// Go's strconv.ParseBool.
    static func parseBool(_ text: String) -> Bool? {
        switch text {
        case "1", "t", "T", "TRUE", "true", "True": true
        case "0", "f", "F", "FALSE", "false", "False": false
        default: nil
        }
    }

    private static func clientMaterial(
        _ environment: [String: String], pemVariable: String, base64Variable: String, what: String
    ) throws(Invalid) -> String {
        if let path = environment[pemVariable], !path.isEmpty {
            return try readText(path, what: "\(what) file ('\(pemVariable)')")
        }
        guard let path = environment[base64Variable], !path.isEmpty else {
            throw Invalid(description: "TLS is enabled but neither '\(pemVariable)' nor '\(base64Variable)' is set")
        }
        let encoded = try readText(path, what: "\(what) file ('\(base64Variable)')")
        guard let decoded = Data(base64Encoded: encoded.trimmingCharacters(in: .whitespacesAndNewlines)),
              let pem = String(data: decoded, encoding: .utf8) else {
            throw Invalid(description: "failed to decode \(what) file \(path): '\(base64Variable)' must hold the base64 of a PEM file")
        }
        return pem
    }

    private static func readText(_ path: String, what: String) throws(Invalid) -> String {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw Invalid(description: "failed to read \(what) at \(path)")
        }
        return text
    }
}
