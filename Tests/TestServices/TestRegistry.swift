import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A private, real Docker registry (Debian's `docker-registry`, distribution 2.x) for one test: listens on a free
/// port of 127.0.0.1, keeps its storage, config and log in a temporary directory, and is stopped by its PID in
/// ``stop()``, which also removes the directory.
public final class TestRegistry: Sendable {
    /// How clients must authenticate.
    public enum Auth: Sendable {
        /// Anyone may pull and push.
        case none
        /// HTTP Basic against an htpasswd file holding this one user (bcrypt, made with `htpasswd -B`).
        case htpasswd(username: String, password: String)
        /// Bearer tokens from `realm`, signed by a key whose certificate is `rootCertificatePEM`.
        case token(realm: String, service: String, issuer: String, rootCertificatePEM: String)
    }

    /// `127.0.0.1:PORT`.
    public let address: String
    /// The temporary directory; TLS material (`ca.pem`) lives here when the registry serves HTTPS.
    public let directory: String
    /// The CA certificate file clients must trust, when started with `tls: true`.
    public let caFile: String?
    private let process: Mutex<Process?>

    /// Starts a registry and returns once `/v2/` answers.
    /// - Parameter tls: serve HTTPS with a certificate for 127.0.0.1 issued by a throwaway CA (see ``caFile``).
    public init(auth: Auth = .none, tls: Bool = false) throws {
        let directory = NSTemporaryDirectory() + "k8svm-test-registry-" + UUID().uuidString
        let port: UInt16
        let process: Process
        do {
            try FileManager.default.createDirectory(atPath: directory + "/storage", withIntermediateDirectories: true)
            port = try Self.freeLoopbackPort()
            try Self.writeConfiguration(in: directory, address: "127.0.0.1:\(port)", auth: auth, tls: tls)
            process = try Self.launch(configurationIn: directory)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        self.directory = directory
        address = "127.0.0.1:\(port)"
        caFile = tls ? directory + "/ca.pem" : nil
        self.process = Mutex(process)
        do {
            try waitUntilServing(port: port)
        } catch {
            stop()
            throw error
        }
    }

    /// Writes `config.yml` and the files it names (TLS material, htpasswd, token root certificate) into `directory`.
    private static func writeConfiguration(in directory: String, address: String, auth: Auth, tls: Bool) throws {
        var config = """
            version: 0.1
            log:
              level: info
            storage:
              filesystem:
                rootdirectory: \(directory)/storage
              delete:
                enabled: true
              maintenance:
                uploadpurging:
                  enabled: false
            http:
              addr: \(address)
              secret: k8svm-test-registry

            """
        if tls {
            let material = try TestCertificates.serverForLoopback()
            try material.caPEM.write(toFile: directory + "/ca.pem", atomically: true, encoding: .utf8)
            try material.certificatePEM.write(toFile: directory + "/server.pem", atomically: true, encoding: .utf8)
            try material.keyPEM.write(toFile: directory + "/server-key.pem", atomically: true, encoding: .utf8)
            config += "  tls:\n    certificate: \(directory)/server.pem\n    key: \(directory)/server-key.pem\n"
        }
        switch auth {
        case .none:
            break
        case .htpasswd(let username, let password):
            let line = try output(of: "/usr/bin/htpasswd", ["-Bbn", username, password])
            try line.write(toFile: directory + "/htpasswd", atomically: true, encoding: .utf8)
            config += "auth:\n  htpasswd:\n    realm: k8svm-test\n    path: \(directory)/htpasswd\n"
        case .token(let realm, let service, let issuer, let rootCertificatePEM):
            try rootCertificatePEM.write(toFile: directory + "/token-root.pem", atomically: true, encoding: .utf8)
            config += "auth:\n  token:\n    realm: \(realm)\n    service: \(service)\n    issuer: \(issuer)\n    rootcertbundle: \(directory)/token-root.pem\n"
        }
        try config.write(toFile: directory + "/config.yml", atomically: true, encoding: .utf8)
    }

    /// Starts `docker-registry serve` on the directory's `config.yml`, logging to `registry.log`.
    private static func launch(configurationIn directory: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/docker-registry")
        process.arguments = ["serve", directory + "/config.yml"]
        _ = FileManager.default.createFile(atPath: directory + "/registry.log", contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/registry.log"))
        defer { try? log.close() }
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// The registry's log so far: its access log lines (`"PUT /v2/… HTTP/1.1" 201`) and application log.
    public var log: String {
        (try? String(contentsOfFile: directory + "/registry.log", encoding: .utf8)) ?? ""
    }

    /// The requests the registry served so far, from its access log, as `METHOD URI STATUS`
    /// (e.g. `PUT /v2/cc/blobs/uploads/…?digest=sha256:… 201`).
    public var requests: [String] {
        log.split(separator: "\n").compactMap { line -> String? in
            guard let open = line.range(of: "] \""), let close = line.range(of: " HTTP/1.1\" ", range: open.upperBound..<line.endIndex) else {
                return nil
            }
            let status = line[close.upperBound...].prefix { $0 != " " }
            return String(line[open.upperBound..<close.lowerBound]) + " " + String(status)
        }
    }

    /// Stops the registry (SIGTERM to its PID, then waits) and removes the temporary directory. Idempotent.
    public func stop() {
        if let process = self.process.withLock({ process in defer { process = nil }; return process }) {
            if process.isRunning { kill(process.processIdentifier, SIGTERM) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    deinit { stop() }

    /// Polls `GET /v2/` until an HTTP answer comes (200, or 401 with auth), for at most 10 seconds.
    private func waitUntilServing(port: UInt16) throws {
        let deadline = Date() + 10
        while Date() < deadline {
            if process.withLock({ $0?.isRunning }) != true {
                throw TestServiceError("docker-registry exited at start:\n\(log)")
            }
            if LoopbackSocket.answersHTTP(port: port) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TestServiceError("docker-registry did not answer on \(address) within 10 s:\n\(log)")
    }

    /// A port nothing listens on right now (bound to 127.0.0.1:0 and released).
    public static func freeLoopbackPort() throws -> UInt16 {
        try LoopbackSocket.freePort()
    }

    /// Runs a program and returns its standard output; fails on a non-zero exit.
    static func output(of program: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestServiceError("\(program) exited with \(process.terminationStatus)") }
        return String(decoding: data, as: UTF8.self)
    }
}

