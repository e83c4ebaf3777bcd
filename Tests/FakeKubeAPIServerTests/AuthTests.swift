import Foundation
import Testing
import FakeKubeAPIServer

/// Client-certificate authentication and the generated kubeconfig.
@Suite struct AuthTests {
    @Test func clientCertificateAuthenticatesWithoutToken() async throws {
        try await withServer { server, client in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fake-auth-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            try server.clientCertificatePEM.write(to: directory.appendingPathComponent("c.pem"), atomically: true, encoding: .utf8)
            try server.clientKeyPEM.write(to: directory.appendingPathComponent("k.pem"), atomically: true, encoding: .utf8)
            let output = try await offPool { () -> String in
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
                process.arguments = ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", client.caFile.path,
                                     "--cert", directory.appendingPathComponent("c.pem").path,
                                     "--key", directory.appendingPathComponent("k.pem").path, server.url + "/api/v1/namespaces/a/pods"]
                let pipe = Pipe()
                process.standardOutput = pipe
                try process.run()
                process.waitUntilExit()
                return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            }
            #expect(output == "200")
            let kubeconfig = server.kubeconfig(namespace: "a", auth: .clientCertificate)
            #expect(kubeconfig.contains("server: \(server.url)") && kubeconfig.contains("client-key-data: ")
                    && kubeconfig.contains("namespace: a") && kubeconfig.contains("current-context: fake"))
            #expect(server.kubeconfig(namespace: "a").contains("token: test-token"))
        }
    }
}
