/// The mutual-TLS material a peer issues for one chaincode launch, as PEM text: the client certificate and key the
/// chaincode presents, and the root certificate it checks the peer's server certificate against.
///
/// The one type for it: the peer's `chaincode.json` carries it (``PeerConnection``), the debug peer issues it, and the
/// Swift shim dials with it.
public struct TLSMaterial: Sendable, Equatable, Hashable {
    /// The client certificate, PEM.
    public var clientCertificate: String
    /// The client certificate's private key, PEM (PKCS#8, as a Fabric peer writes it).
    public var clientKey: String
    /// The CA certificate that signed the peer's server certificate, PEM.
    public var rootCertificate: String

    public init(clientCertificate: String, clientKey: String, rootCertificate: String) {
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.rootCertificate = rootCertificate
    }
}
