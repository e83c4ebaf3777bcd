import Foundation

/// Everything needed to talk to one API server: its URL, how to trust it, who we are, and the default namespace.
public struct ClusterAccess: Sendable, Equatable {
    /// How requests are authenticated.
    public enum Credentials: Sendable, Equatable {
        case none
        case bearer(BearerToken)
        case basic(username: String, password: String)
        /// Mutual TLS, optionally with a token as well.
        case clientCertificate(certificatePEM: String, keyPEM: String, token: BearerToken?)
    }

    /// `https://host:port` (or `http://` for a plain-text server), without a trailing slash.
    public var server: String
    public var certificateAuthorityPEM: String?
    public var insecureSkipTLSVerify: Bool
    public var tlsServerName: String?
    public var credentials: Credentials
    /// The namespace the kubeconfig context or the service account names; nil when neither does.
    public var namespace: String?

    public init(server: String, certificateAuthorityPEM: String? = nil, insecureSkipTLSVerify: Bool = false,
                tlsServerName: String? = nil, credentials: Credentials = .none, namespace: String? = nil) throws {
        var server = server
        while server.hasSuffix("/") { server.removeLast() }
        guard let url = URL(string: server), let scheme = url.scheme, ["https", "http"].contains(scheme), url.host != nil else {
            throw KubeConfigError("API server \"\(server)\" is not an http(s) URL")
        }
        self.server = server
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.tlsServerName = tlsServerName
        self.credentials = credentials
        self.namespace = namespace
    }

    /// The service-account files every Pod gets (client-go's in-cluster configuration).
    public static let serviceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// In-cluster access: `KUBERNETES_SERVICE_HOST`/`_PORT`, the service account's CA and (rotating) token, and
    /// its namespace. Nil when those variables are not set.
    public static func inCluster(environment: [String: String],
                                 serviceAccountDirectory directory: String = serviceAccountDirectory) throws -> ClusterAccess? {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
              let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else { return nil }
        guard let ca = FileManager.default.contents(atPath: directory + "/ca.crt") else {
            throw KubeConfigError("in-cluster configuration: cannot read \(directory)/ca.crt (is a service-account token mounted?)")
        }
        let namespace = FileManager.default.contents(atPath: directory + "/namespace")
            .map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return try ClusterAccess(
            server: "https://\(hostPart):\(port)", certificateAuthorityPEM: String(decoding: ca, as: UTF8.self),
            credentials: .bearer(.file(directory + "/token")), namespace: namespace)
    }

    /// Resolves access the way client-go does: an explicit kubeconfig path, else `KUBECONFIG`/`~/.kube/config`,
    /// else in-cluster.
    /// - Parameters:
    ///   - kubeconfig: a kubeconfig file to use instead of the default lookup (empty: none).
    ///   - context: a context to use instead of the current one (empty: none).
    public static func resolve(kubeconfig: String, context: String, environment: [String: String],
                               serviceAccountDirectory directory: String = serviceAccountDirectory) throws -> ClusterAccess {
        let contextName = context.isEmpty ? nil : context
        if !kubeconfig.isEmpty {
            return try KubeConfig.load(file: kubeconfig).access(context: contextName)
        }
        if let merged = try KubeConfig.load(paths: KubeConfig.defaultPaths(environment: environment)) {
            return try merged.access(context: contextName)
        }
        if let inCluster = try inCluster(environment: environment, serviceAccountDirectory: directory) {
            return inCluster
        }
        throw KubeConfigError("""
            no Kubernetes API server configured: set kubernetes.kubeconfig, or KUBECONFIG, or run in a Pod with \
            KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT passed through (the peer's propagateEnvironment)
            """)
    }
}
