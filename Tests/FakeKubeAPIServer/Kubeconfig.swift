import Foundation

extension FakeKubeAPIServer {
    /// How a generated kubeconfig authenticates.
    public enum KubeconfigAuth: Sendable {
        /// `token:` with the server's bearer token.
        case token
        /// `client-certificate-data`/`client-key-data` of the admin client certificate (O=system:masters).
        case clientCertificate
        /// `tokenFile:` naming a file that holds the token (the caller writes it).
        case tokenFile(path: String)
    }

    /// A kubeconfig (YAML) for this server: current-context with cluster (certificate-authority-data), user (token or
    /// client cert/key data) and namespace.
    public func kubeconfig(namespace: String, auth: KubeconfigAuth = .token) -> String {
        let base64 = { (text: String) in Data(text.utf8).base64EncodedString() }
        var cluster = "    server: \(url)\n"
        if options.tls { cluster += "    certificate-authority-data: \(base64(caCertificatePEM))\n" }
        let user = switch auth {
        case .token: "    token: \(options.bearerToken ?? "")\n"
        case .clientCertificate:
            "    client-certificate-data: \(base64(clientCertificatePEM))\n    client-key-data: \(base64(clientKeyPEM))\n"
        case .tokenFile(let path): "    tokenFile: \(path)\n"
        }
        return """
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
            \(cluster)contexts:
            - name: fake
              context:
                cluster: fake
                user: fake
                namespace: \(namespace)
            current-context: fake
            users:
            - name: fake
              user:
            \(user)
            """
    }
}
