import DebugPeer
import Foundation
import K8sVMTesting
import PeerContract

#if canImport(Glibc)
import Glibc
#endif

/// The example asset-transfer chaincode running as a child process, configured
/// exactly as a launcher configures any Fabric chaincode (fabric-contracts §2):
/// files written from the peer's `chaincode.json`, `CORE_*` variables, and the
/// flag `-peer.address=HOST:PORT`.
final class ChaincodeProcess: Sendable {
    private let process: Process
    let directory: URL

    /// Which client key/cert variables to set.
    enum KeyStyle: Sendable { case pemAndBase64, base64Only }

    init(launch: PeerConnection, keyStyle: KeyStyle = .pemAndBase64) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("k8svm-cc-\(UUID().uuidString)")
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try launch.write(toDirectory: directory.path)
        let decoded = try PeerConnection.load(fromDirectory: directory.path)

        var environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "CORE_CHAINCODE_ID_NAME": decoded.chaincodeID,
            "CORE_PEER_ADDRESS": decoded.peerAddress,
            "CORE_PEER_TLS_ENABLED": decoded.tls == nil ? "false" : "true",
            "CORE_PEER_LOCALMSPID": decoded.mspID,
        ]
        if let tls = decoded.tls {
            func file(_ name: String, _ text: String) throws -> String {
                let url = directory.appendingPathComponent(name)
                try Data(text.utf8).write(to: url)
                return url.path
            }
            environment["CORE_PEER_TLS_ROOTCERT_FILE"] = try file("peer.crt", tls.rootCertificate)
            environment["CORE_TLS_CLIENT_KEY_PATH"] = try file("client.key", Data(tls.clientKey.utf8).base64EncodedString())
            environment["CORE_TLS_CLIENT_CERT_PATH"] = try file("client.crt", Data(tls.clientCertificate.utf8).base64EncodedString())
            if keyStyle == .pemAndBase64 {
                environment["CORE_TLS_CLIENT_KEY_FILE"] = try file("client_pem.key", tls.clientKey)
                environment["CORE_TLS_CLIENT_CERT_FILE"] = try file("client_pem.crt", tls.clientCertificate)
            }
        }
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = ["-peer.address=\(decoded.peerAddress)"]
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        self.process = process
    }

    /// The built example chaincode next to the test binary (`swift build` puts both in the same directory).
    static var executable: URL {
        if let override = ProcessInfo.processInfo.environment["ASSET_TRANSFER_BINARY"] {
            return URL(fileURLWithPath: override)
        }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("AssetTransferExample")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/AssetTransferExample")
    }

    var isRunning: Bool { process.isRunning }
    var pid: Int32 { process.processIdentifier }

    func signal(_ number: Int32) { _ = Glibc.kill(process.processIdentifier, number) }

    /// SIGKILLs the process (if still running), reaps it, and removes its files.
    func kill() {
        if process.isRunning { signal(SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Waits for the process to exit and returns its status.
    func waitForExit(timeout: Double) async throws -> Int32 {
        let process = self.process
        return try await withTimeout(timeout, "the chaincode process to exit") {
            while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
            return process.terminationStatus
        }
    }
}
