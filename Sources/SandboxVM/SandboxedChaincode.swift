import Foundation
import K8sVMCore
import LocalVM
import PeerContract
#if canImport(Glibc)
import Glibc
#endif

/// A chaincode running inside a sandbox whose only way out is the peer: inside, it dials the peer's address as
/// usual, which leads to the in-sandbox relay on 127.0.0.1; the relay's unix socket leads to the host relay here,
/// which connects to the peer's address and nowhere else. Its files (executable, TLS material, relay socket) live in a
/// directory of its own, removed with the relay when the sandbox ends.
public final class SandboxedChaincode: ChaincodeInstance {
    /// Inside paths.
    static let chaincodeDirectory = "/chaincode"
    static let tlsDirectory = "/etc/hyperledger/fabric"
    static let relayDirectory = "/run/k8svm"

    public let sandbox: SandboxedProcess
    /// The chaincode's output, and k8svm's lines about it.
    public let log: RunLog
    private let ending: Task<SandboxEnd, Never>

    private init(sandbox: SandboxedProcess, log: RunLog, ending: Task<SandboxEnd, Never>) {
        self.sandbox = sandbox
        self.log = log
        self.ending = ending
    }

    /// Starts the build's executable (a host path, or one relative to `buildDirectory`) in a new sandbox against `connection`.
    /// Nothing is left behind when this throws.
    public static func start(build: ExecutableBuild, buildDirectory: String, connection: PeerConnection, host: SandboxHost,
                             log: RunLog = RunLog()) throws -> SandboxedChaincode {
        let hostExecutable = build.executablePath(inBuildDirectory: buildDirectory)
        let (peerHost, peerPort) = try Self.split(connection.peerAddress)
        let directory = try host.makeDirectory(prefix: "run-")
        var relay: StreamRelay?
        do {
            for sub in ["chaincode", "tls", "relay"] {
                try FileManager.default.createDirectory(atPath: "\(directory)/\(sub)", withIntermediateDirectories: false)
                try host.handOver("\(directory)/\(sub)")
            }
            let name = (hostExecutable as NSString).lastPathComponent
            try ExecutablePlacement.place(hostExecutable, at: "\(directory)/chaincode/\(name)")

            // Inside, a named peer host resolves to the relay; an address becomes 127.0.0.1.
            // (By bytes: Foundation's substring search would load ICU's collation data on every launch.)
            let isAddress = peerHost.utf8.contains(UInt8(ascii: ":"))
                || peerHost.utf8.allSatisfy { $0 == UInt8(ascii: ".") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
            let insideHost = isAddress ? "127.0.0.1" : peerHost
            var inside = connection
            inside.peerAddress = "\(insideHost):\(peerPort)"
            let shim = ShimEnvironment(connection: inside, tlsDirectory: tlsDirectory)
            for (file, contents) in shim.files {
                try ScratchFile.write(contents, to: "\(directory)/tls/\(file)", mode: 0o600)
                try host.handOver("\(directory)/tls/\(file)")
            }
            try ScratchFile.write(Data("127.0.0.1 localhost \(isAddress ? "" : insideHost)\n::1 localhost ip6-localhost\n".utf8),
                                  to: "\(directory)/hosts", mode: 0o644)

            relay = try StreamRelay(listening: .unix(path: "\(directory)/relay/peer.sock"),
                                    target: .tcp(host: peerHost, port: peerPort), mode: .receiveHandedOver,
                                    report: { log.note($0) })
            var environment = ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "TMPDIR": "/tmp",
                               "MALLOC_ARENA_MAX": "2"]
            for (variable, value) in shim.variables { environment[variable] = value }
            let spec = SandboxSpec(
                mounts: [.init(host: "\(directory)/chaincode", inside: chaincodeDirectory),
                         .init(host: "\(directory)/tls", inside: tlsDirectory),
                         .init(host: "\(directory)/relay", inside: relayDirectory),
                         .init(host: "\(directory)/hosts", inside: "/etc/hosts")],
                environment: environment, workingDirectory: chaincodeDirectory, limits: SandboxLimits(host.settings),
                relay: .init(port: peerPort, socket: "\(relayDirectory)/peer.sock"),
                command: ["\(chaincodeDirectory)/\(name)"] + (try shim.expanding(build.arguments)))
            let sandbox = try SandboxedProcess(spec: spec, host: host, log: log, logLimit: host.settings.logBytes)
            let timeout = host.settings.wallTimeout
            let ending = Task { [relay] in
                let end = await sandbox.wait(timeout: timeout)
                relay?.close()
                try? FileManager.default.removeItem(atPath: directory)
                return end
            }
            return SandboxedChaincode(sandbox: sandbox, log: log, ending: ending)
        } catch {
            relay?.close()
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    /// Kills the sandbox (a sandboxed chaincode gets no grace period: nothing it could save outlives it).
    public func stop(grace: Duration) async {
        sandbox.kill(reason: "stopped")
    }

    /// Kills the sandbox; `end()` reports `reason`.
    public func kill(reason: String) {
        sandbox.kill(reason: reason)
    }

    public func wait() async -> ExitStatus {
        await end().status
    }

    /// Waits until the sandbox has ended and its files are removed; says how it ended.
    public func end() async -> SandboxEnd {
        await ending.value
    }

    private static func split(_ address: String) throws -> (String, Int) {
        guard case .tcp(let host, let port) = try SocketEndpoint.tcp(address), port > 0 else {
            throw K8sVMError("peer address \"\(address)\" is not host:port")
        }
        return (host, port)
    }
}
