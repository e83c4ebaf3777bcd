import Crypto
import Foundation
import SwiftASN1
import X509

/// The throwaway PKI of one fake server: a CA, a serving certificate for 127.0.0.1 and an admin client certificate
/// with `O=system:masters, CN=admin` like the recorder's (README "Client").
struct Certificates: Sendable {
    let caPEM: String
    let serverCertificatePEM: String
    let serverKeyPEM: String
    let clientCertificatePEM: String
    let clientKeyPEM: String

    static func generate() throws -> Certificates {
        let now = Date()
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName { CommonName("fake-kube-apiserver-ca") }
        let ca = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(caKey.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 86_400 * 30, issuer: caName, subject: caName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(caKey))

        func leaf(_ subject: DistinguishedName, server: Bool) throws -> (String, String) {
            let key = P256.Signing.PrivateKey()
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
                notValidBefore: now - 3600, notValidAfter: now + 86_400 * 30, issuer: caName, subject: subject,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                    try ExtendedKeyUsage([server ? .serverAuth : .clientAuth])
                    if server {
                        SubjectAlternativeNames([.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
                                                 .dnsName("localhost")])
                    }
                },
                issuerPrivateKey: .init(caKey))
            return (try certificate.serializeAsPEM().pemString, key.pemRepresentation)
        }

        let server = try leaf(try DistinguishedName { CommonName("kube-apiserver") }, server: true)
        let client = try leaf(try DistinguishedName {
            OrganizationName("system:masters")
            CommonName("admin")
        }, server: false)
        return Certificates(caPEM: try ca.serializeAsPEM().pemString, serverCertificatePEM: server.0, serverKeyPEM: server.1,
                            clientCertificatePEM: client.0, clientKeyPEM: client.1)
    }
}
