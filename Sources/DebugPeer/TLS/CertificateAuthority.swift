import Crypto
import Foundation
import SwiftASN1
import X509

/// A PEM-encoded certificate and its PKCS#8 private key.
public struct IssuedCredential: Sendable, Hashable {
    /// The certificate, PEM (`-----BEGIN CERTIFICATE-----`).
    public var certificatePEM: String
    /// The private key, PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), as a Fabric peer writes it.
    public var privateKeyPEM: String
    /// The certificate itself, as a TLS handshake presents it.
    public var certificate: Certificate
}

/// An in-memory P-256 ECDSA certificate authority, created fresh for each debug
/// peer, that issues the peer's TLS server certificate, the per-launch TLS client
/// certificates handed to chaincode, and the identity that signs proposals.
public final class CertificateAuthority: Sendable {
    /// The CA key's raw bytes (swift-crypto keys are not Sendable).
    private let keyBytes: Data
    private let name: DistinguishedName
    private let keyIdentifier: ArraySlice<UInt8>
    /// The CA certificate.
    public let certificate: Certificate
    /// The CA certificate, PEM; the `root_cert` a chaincode must trust.
    public let certificatePEM: String

    /// Creates a new self-signed CA valid for ten years.
    public init(commonName: String = "K8sVM debug peer CA") throws {
        let key = P256.Signing.PrivateKey()
        keyBytes = key.rawRepresentation
        name = try DistinguishedName {
            OrganizationName("K8sVM")
            CommonName(commonName)
        }
        let publicKey = Certificate.PublicKey(key.publicKey)
        keyIdentifier = SubjectKeyIdentifier(hash: publicKey).keyIdentifier
        let now = Date()
        certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: publicKey,
            notValidBefore: now - 300,
            notValidAfter: now + 10 * 365 * 24 * 3600,
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: publicKey)
            },
            issuerPrivateKey: Certificate.PrivateKey(key)
        )
        certificatePEM = try certificate.serializeAsPEM().pemString
    }

    /// What a leaf certificate is for.
    public enum Usage: Sendable {
        /// A TLS server certificate for the given DNS names and IP addresses.
        case server(dnsNames: [String], ipAddresses: [String])
        /// A TLS client certificate (and signing identity).
        case client
    }

    /// Issues a leaf certificate with a fresh P-256 key.
    public func issue(commonName: String, usage: Usage, validFor validity: TimeInterval) throws -> IssuedCredential {
        let leafKey = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(leafKey.publicKey)
        let now = Date()
        let subject = try DistinguishedName {
            OrganizationName("K8sVM")
            CommonName(commonName)
        }
        let leaf = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: publicKey,
            notValidBefore: now - 300,
            notValidAfter: now + validity,
            issuer: name,
            subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                switch usage {
                case .server(let dnsNames, let ipAddresses):
                    try ExtendedKeyUsage([.serverAuth, .clientAuth])
                    SubjectAlternativeNames(
                        dnsNames.map { GeneralName.dnsName($0) }
                            + ipAddresses.compactMap { Self.ipAddressBytes($0).map { GeneralName.ipAddress(ASN1OctetString(contentBytes: $0[...])) } }
                    )
                case .client:
                    try ExtendedKeyUsage([.clientAuth])
                }
                SubjectKeyIdentifier(hash: publicKey)
                AuthorityKeyIdentifier(keyIdentifier: keyIdentifier)
            },
            issuerPrivateKey: Certificate.PrivateKey(try P256.Signing.PrivateKey(rawRepresentation: keyBytes))
        )
        return IssuedCredential(certificatePEM: try leaf.serializeAsPEM().pemString, privateKeyPEM: leafKey.pemRepresentation,
                                certificate: leaf)
    }

    /// The network-order bytes of an IPv4 or IPv6 literal, or nil for a host name.
    static func ipAddressBytes(_ literal: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, literal, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, literal, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}
