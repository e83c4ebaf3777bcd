import Foundation
import PeerContract

/// How a chaincode process learns where its peer is: the files and variables every official shim reads.
///
/// The layout is the one shared by every launcher (fabric-contracts §2): the TLS files live in one directory
/// (`/etc/hyperledger/fabric` in a Pod, a private temp dir for a local process), the client key and certificate
/// both as PEM (`client_pem.*`, read by the Go shim) and as base64 of the PEM (`client.*`, read by Node and Java).
public struct ShimEnvironment: Sendable, Equatable {
    /// File name → contents, to be written into the TLS directory (empty when TLS is off).
    public var files: [String: Data]
    /// Variable name → value, in a stable order.
    public var variables: [(String, String)]

    public static func == (lhs: ShimEnvironment, rhs: ShimEnvironment) -> Bool {
        lhs.files == rhs.files && lhs.variables.elementsEqual(rhs.variables, by: { $0 == $1 })
    }

    /// The five TLS file names.
    public enum FileName {
        public static let rootCertificate = "peer.crt"
        public static let clientKeyBase64 = "client.key"
        public static let clientCertificateBase64 = "client.crt"
        public static let clientKeyPEM = "client_pem.key"
        public static let clientCertificatePEM = "client_pem.crt"
    }

    /// Builds the environment for `connection` with the TLS files placed in `tlsDirectory`.
    public init(connection: PeerConnection, tlsDirectory: String) {
        var variables: [(String, String)] = [
            ("CORE_CHAINCODE_ID_NAME", connection.chaincodeID),
            ("CORE_PEER_ADDRESS", connection.peerAddress),
            ("CORE_PEER_TLS_ENABLED", connection.tls == nil ? "false" : "true"),
        ]
        var files: [String: Data] = [:]
        if let tls = connection.tls {
            files[FileName.rootCertificate] = Data(tls.rootCertificate.utf8)
            files[FileName.clientKeyBase64] = Data(Data(tls.clientKey.utf8).base64EncodedString().utf8)
            files[FileName.clientCertificateBase64] = Data(Data(tls.clientCertificate.utf8).base64EncodedString().utf8)
            files[FileName.clientKeyPEM] = Data(tls.clientKey.utf8)
            files[FileName.clientCertificatePEM] = Data(tls.clientCertificate.utf8)
            let dir = tlsDirectory.hasSuffix("/") ? String(tlsDirectory.dropLast()) : tlsDirectory
            variables += [
                ("CORE_PEER_TLS_ROOTCERT_FILE", "\(dir)/\(FileName.rootCertificate)"),
                ("CORE_TLS_CLIENT_KEY_PATH", "\(dir)/\(FileName.clientKeyBase64)"),
                ("CORE_TLS_CLIENT_CERT_PATH", "\(dir)/\(FileName.clientCertificateBase64)"),
                ("CORE_TLS_CLIENT_KEY_FILE", "\(dir)/\(FileName.clientKeyPEM)"),
                ("CORE_TLS_CLIENT_CERT_FILE", "\(dir)/\(FileName.clientCertificatePEM)"),
            ]
        }
        variables.append(("CORE_PEER_LOCALMSPID", connection.mspID))
        self.files = files
        self.variables = variables
    }

    /// The Go shim reads the peer address only from this flag; binaries get it too unless they name their own.
    public static let goStartArguments = ["-peer.address=${CORE_PEER_ADDRESS}"]

    /// Start arguments with each `${NAME}` replaced by that shim variable's value; another name is an error.
    public func expanding(_ arguments: [String]) throws -> [String] {
        try rewriting(arguments, text: { String($0) }, reference: { _, value in value })
    }

    /// Start arguments rebuilt part by part: the text between references passed to `text`, and each `${NAME}` to
    /// `reference` with that shim variable's value. A name that is not one of the variables, or a `${` without its
    /// `}`, is an error naming the argument.
    public func rewriting(_ arguments: [String], text: (Substring) -> String,
                          reference: (_ name: String, _ value: String) -> String) throws -> [String] {
        try arguments.map { argument in
            var result = ""
            var rest = Substring(argument)
            while let open = rest.range(of: "${") {
                result += text(rest[..<open.lowerBound])
                guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                    throw K8sVMError("argument \"\(argument)\" has an unclosed ${")
                }
                let name = String(rest[open.upperBound..<close])
                guard let value = variables.first(where: { $0.0 == name })?.1 else {
                    throw K8sVMError("argument \"\(argument)\" names ${\(name)}, which is not one of the chaincode's variables")
                }
                result += reference(name, value)
                rest = rest[rest.index(after: close)...]
            }
            return result + text(rest)
        }
    }
}
