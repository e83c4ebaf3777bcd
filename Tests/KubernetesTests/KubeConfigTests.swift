import Foundation
import KubernetesClient
import Testing

/// kubeconfig and in-cluster configuration, by client-go's rules.
@Suite struct KubeConfigTests {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "k8svm-kubeconfig-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func write(_ text: String, to name: String) throws -> String {
        let path = directory + "/" + name
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func kubeconfig(cluster: String = "c", server: String = "https://127.0.0.1:6443", user: String, context: String = "ctx",
                    namespace: String = "ns", current: String? = "ctx") -> String {
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: \(cluster)
          cluster:
            server: \(server)
            certificate-authority: ca/ca.pem
        users:
        - name: u
          user:
        \(user)
        contexts:
        - name: \(context)
          context: {cluster: \(cluster), user: u, namespace: \(namespace)}
        \(current.map { "current-context: \($0)" } ?? "")
        """
    }

    @Test func relativeFilesAreReadFromTheKubeconfigsDirectory() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try write("CA PEM", to: "ca/ca.pem")
        _ = try write("CERT PEM", to: "certs/client.crt")
        let keyData = Data("KEY PEM".utf8).base64EncodedString()
        let path = try write(kubeconfig(user: "    client-certificate: certs/client.crt\n    client-key-data: \(keyData)"), to: "config")
        let access = try KubeConfig.load(file: path).access()
        #expect(access.server == "https://127.0.0.1:6443")
        #expect(access.certificateAuthorityPEM == "CA PEM")
        #expect(access.credentials == .clientCertificate(certificatePEM: "CERT PEM", keyPEM: "KEY PEM", token: nil))
        #expect(access.namespace == "ns")
    }

    @Test func theFirstFileInKUBECONFIGWins() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try write("CA", to: "ca/ca.pem")
        let first = try write(kubeconfig(server: "https://127.0.0.1:1111", user: "    token: first", current: nil), to: "a")
        let second = try write(kubeconfig(server: "https://127.0.0.1:2222", user: "    token: second", context: "ctx"), to: "b")
        let access = try ClusterAccess.resolve(kubeconfig: "", context: "",
                                               environment: ["KUBECONFIG": "\(first):\(directory)/missing:\(second)"])
        #expect(access.server == "https://127.0.0.1:1111", "the first file defines cluster c")
        #expect(access.credentials == .bearer(.literal("first")))
    }

    @Test func pluginsAndMissingPiecesAreNamed() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try write("CA", to: "ca/ca.pem")
        let plugin = try write(kubeconfig(user: "    exec: {command: aws}"), to: "plugin")
        #expect(throws: KubeConfigError.self) { try KubeConfig.load(file: plugin) }
        do {
            _ = try KubeConfig.load(file: plugin)
        } catch {
            #expect("\(error)".contains("exec or auth-provider plugin"))
        }
        let noContext = try write(kubeconfig(user: "    token: t", current: "elsewhere"), to: "nocontext")
        #expect(throws: KubeConfigError.self) { try KubeConfig.load(file: noContext).access() }
        do {
            _ = try KubeConfig.load(file: noContext).access()
        } catch {
            #expect("\(error)".contains("no context \"elsewhere\""))
        }
        do {
            _ = try ClusterAccess.resolve(kubeconfig: "", context: "", environment: ["HOME": directory + "/nohome"],
                                          serviceAccountDirectory: directory + "/nosa")
            Issue.record("no configuration at all must be an error")
        } catch {
            #expect("\(error)".contains("no Kubernetes API server configured"))
        }
    }

    @Test func inClusterUsesTheServiceAccountFiles() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try write("SA CA", to: "sa/ca.crt")
        _ = try write("chaincode\n", to: "sa/namespace")
        _ = try write("token-1\n", to: "sa/token")
        let access = try ClusterAccess.resolve(kubeconfig: "", context: "",
                                               environment: ["KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": "6443"],
                                               serviceAccountDirectory: directory + "/sa")
        #expect(access.server == "https://127.0.0.1:6443")
        #expect(access.certificateAuthorityPEM == "SA CA")
        #expect(access.namespace == "chaincode")
        #expect(access.credentials == .bearer(.file(directory + "/sa/token")))
    }
}
