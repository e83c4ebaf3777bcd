import Foundation
import Yams

/// A kubeconfig file (or several, merged), read by client-go's rules:
/// - `KUBECONFIG` is a `:`-separated list; for every named cluster, user and context the first file that defines it
///   wins, and so does the first non-empty `current-context`;
/// - without `KUBECONFIG`, `$HOME/.kube/config`;
/// - relative file paths inside a kubeconfig are relative to that file's directory.
public struct KubeConfig: Sendable, Equatable {
    /// A `clusters[].cluster` entry.
    public struct Cluster: Sendable, Equatable {
        public var server: String
        public var certificateAuthorityPEM: String?
        public var insecureSkipTLSVerify: Bool
        public var tlsServerName: String?
    }

    /// A `users[].user` entry.
    public struct User: Sendable, Equatable {
        public var clientCertificatePEM: String?
        public var clientKeyPEM: String?
        public var token: String?
        public var tokenFile: String?
        public var username: String?
        public var password: String?
    }

    /// A `contexts[].context` entry.
    public struct Context: Sendable, Equatable {
        public var cluster: String
        public var user: String
        public var namespace: String?
    }

    public var clusters: [String: Cluster] = [:]
    public var users: [String: User] = [:]
    public var contexts: [String: Context] = [:]
    public var currentContext: String?

    public init() {}

    /// The files client-go would read for `environment`, in order of precedence.
    public static func defaultPaths(environment: [String: String]) -> [String] {
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            return list.split(separator: ":").map(String.init).filter { !$0.isEmpty }
        }
        if let home = environment["HOME"], !home.isEmpty { return [home + "/.kube/config"] }
        return []
    }

    /// Reads and merges `paths`; files that do not exist are skipped, as client-go does for `KUBECONFIG` lists.
    /// Returns nil when none exists.
    public static func load(paths: [String]) throws -> KubeConfig? {
        var merged: KubeConfig?
        for path in paths where FileManager.default.fileExists(atPath: path) {
            let file = try load(file: path)
            guard var current = merged else {
                merged = file
                continue
            }
            current.clusters.merge(file.clusters) { first, _ in first }
            current.users.merge(file.users) { first, _ in first }
            current.contexts.merge(file.contexts) { first, _ in first }
            if current.currentContext?.isEmpty ?? true { current.currentContext = file.currentContext }
            merged = current
        }
        return merged
    }

    /// Reads one kubeconfig file.
    public static func load(file path: String) throws -> KubeConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KubeConfigError("cannot read kubeconfig \(path)")
        }
        let root: Node
        do {
            guard let document = try Yams.compose(yaml: String(decoding: data, as: UTF8.self)) else { return KubeConfig() }
            root = document
        } catch {
            throw KubeConfigError("kubeconfig \(path) is not valid YAML: \(error)")
        }
        let reader = KubeConfigReader(file: path)
        return try reader.read(root)
    }

    /// What a client needs for `contextName` (default: the current context), with every file already read.
    public func access(context contextName: String? = nil) throws -> ClusterAccess {
        guard let name = contextName ?? currentContext, !name.isEmpty else {
            throw KubeConfigError("kubeconfig has no current-context (and none was configured)")
        }
        guard let context = contexts[name] else {
            throw KubeConfigError("kubeconfig has no context \"\(name)\" (contexts: \(contexts.keys.sorted().joined(separator: ", ")))")
        }
        guard let cluster = clusters[context.cluster] else {
            throw KubeConfigError("kubeconfig context \"\(name)\" names cluster \"\(context.cluster)\", which is not defined")
        }
        let user = users[context.user] ?? User()
        if !context.user.isEmpty, users[context.user] == nil {
            throw KubeConfigError("kubeconfig context \"\(name)\" names user \"\(context.user)\", which is not defined")
        }
        let credentials: ClusterAccess.Credentials
        if let certificate = user.clientCertificatePEM, let key = user.clientKeyPEM {
            credentials = .clientCertificate(certificatePEM: certificate, keyPEM: key, token: user.tokenSource)
        } else if let token = user.tokenSource {
            credentials = .bearer(token)
        } else if let username = user.username, let password = user.password {
            credentials = .basic(username: username, password: password)
        } else {
            credentials = .none
        }
        return try ClusterAccess(
            server: cluster.server, certificateAuthorityPEM: cluster.certificateAuthorityPEM,
            insecureSkipTLSVerify: cluster.insecureSkipTLSVerify, tlsServerName: cluster.tlsServerName,
            credentials: credentials, namespace: context.namespace)
    }
}

extension KubeConfig.User {
    /// The bearer token: a literal `token`, else `tokenFile` (re-read when it changes).
    var tokenSource: BearerToken? {
        if let token, !token.isEmpty { return .literal(token) }
        if let tokenFile, !tokenFile.isEmpty { return .file(tokenFile) }
        return nil
    }
}

/// A kubeconfig that cannot be used, with what is wrong in it.
public struct KubeConfigError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
