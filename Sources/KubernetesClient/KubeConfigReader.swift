import Foundation
import Yams

/// Turns one kubeconfig YAML document into a `KubeConfig`, reading the files it refers to.
struct KubeConfigReader {
    let file: String

    private var directory: String { (file as NSString).deletingLastPathComponent }

    func read(_ root: Node) throws -> KubeConfig {
        var config = KubeConfig()
        for entry in root["clusters"]?.array() ?? [] {
            guard let name = entry["name"]?.string, let cluster = entry["cluster"] else { continue }
            guard let server = cluster["server"]?.string, !server.isEmpty else {
                throw KubeConfigError("kubeconfig \(file): cluster \"\(name)\" has no server")
            }
            config.clusters[name] = KubeConfig.Cluster(
                server: server,
                certificateAuthorityPEM: try material(cluster, data: "certificate-authority-data", file: "certificate-authority", what: "cluster \(name)"),
                insecureSkipTLSVerify: cluster["insecure-skip-tls-verify"]?.bool ?? false,
                tlsServerName: cluster["tls-server-name"]?.string)
        }
        for entry in root["users"]?.array() ?? [] {
            guard let name = entry["name"]?.string else { continue }
            let user = entry["user"] ?? Node.mapping([:])
            if user["exec"] != nil || user["auth-provider"] != nil {
                throw KubeConfigError("kubeconfig \(file): user \"\(name)\" uses an exec or auth-provider plugin, which k8svm does not run; use a token, a token file or a client certificate")
            }
            config.users[name] = KubeConfig.User(
                clientCertificatePEM: try material(user, data: "client-certificate-data", file: "client-certificate", what: "user \(name)"),
                clientKeyPEM: try material(user, data: "client-key-data", file: "client-key", what: "user \(name)"),
                token: user["token"]?.string,
                tokenFile: user["tokenFile"]?.string.map(resolved),
                username: user["username"]?.string,
                password: user["password"]?.string)
        }
        for entry in root["contexts"]?.array() ?? [] {
            guard let name = entry["name"]?.string, let context = entry["context"] else { continue }
            config.contexts[name] = KubeConfig.Context(
                cluster: context["cluster"]?.string ?? "", user: context["user"]?.string ?? "",
                namespace: context["namespace"]?.string.flatMap { $0.isEmpty ? nil : $0 })
        }
        config.currentContext = root["current-context"]?.string
        return config
    }

    /// PEM given inline (base64 in `*-data`) or as a file path.
    private func material(_ node: Node, data: String, file key: String, what: String) throws -> String? {
        if let encoded = node[data]?.string, !encoded.isEmpty {
            guard let decoded = Data(base64Encoded: encoded.filter { !$0.isWhitespace }) else {
                throw KubeConfigError("kubeconfig \(file): \(what): \(data) is not base64")
            }
            return String(decoding: decoded, as: UTF8.self)
        }
        if let path = node[key]?.string, !path.isEmpty {
            let full = resolved(path)
            guard let contents = FileManager.default.contents(atPath: full) else {
                throw KubeConfigError("kubeconfig \(file): \(what): cannot read \(key) \(full)")
            }
            return String(decoding: contents, as: UTF8.self)
        }
        return nil
    }

    private func resolved(_ path: String) -> String {
        path.hasPrefix("/") ? path : directory + "/" + path
    }
}
