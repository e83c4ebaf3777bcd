import ChaincodeProtocol
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import PeerContract
import Synchronization

/// An embedded Fabric peer for development: it serves
/// `protos.ChaincodeSupport/Register` like a real peer in dev mode (plaintext) or
/// like a peer launching an external chaincode (mutual TLS with per-launch client
/// certificates), keeps world state in memory, and lets callers invoke and query
/// registered chaincode directly.
public final class DebugPeer: Sendable {
    /// The configuration the peer was created with.
    public let configuration: DebugPeerConfiguration
    /// The committed world state.
    public let state: WorldState
    /// The peer's own CA (TLS server and client certificates, proposal creators).
    public let certificateAuthority: CertificateAuthority

    let registry = ChaincodeRegistry()
    let clientCertificates = ClientCertificateOwners()
    let broadcaster = EventBroadcaster()
    let proposals: ProposalFactory
    private let serverCredential: IssuedCredential
    private let running = Mutex<Running?>(nil)

    private struct Running {
        var server: GRPCServer<HTTP2ServerTransport.Posix>
        var task: Task<Void, any Error>
        var address: String
    }

    /// Creates a stopped peer; loads `configuration.stateFile` if it exists.
    public init(configuration: DebugPeerConfiguration = DebugPeerConfiguration()) throws {
        self.configuration = configuration
        state = try WorldState(fileURL: configuration.stateFile)
        certificateAuthority = try CertificateAuthority()
        let names = ["localhost", "127.0.0.1", "::1", configuration.host] + configuration.tlsHostNames
        let ipAddresses = Set(names.filter { CertificateAuthority.ipAddressBytes($0) != nil })
        let dnsNames = Set(names.filter { CertificateAuthority.ipAddressBytes($0) == nil })
        serverCredential = try certificateAuthority.issue(
            commonName: "debug-peer", usage: .server(dnsNames: dnsNames.sorted(), ipAddresses: ipAddresses.sorted()),
            validFor: 365 * 24 * 3600)
        let creator = try certificateAuthority.issue(commonName: "dev-user", usage: .client, validFor: 365 * 24 * 3600)
        proposals = try ProposalFactory(mspID: configuration.mspID, creatorCertificatePEM: creator.certificatePEM)
    }

    // MARK: - Lifecycle

    /// Starts listening and returns the bound `host:port` (useful with port 0).
    /// Calling it while running returns the current address.
    @discardableResult
    public func start() async throws -> String {
        if let address { return address }
        var config = HTTP2ServerTransport.Posix.Config.defaults
        config.rpc.maxRequestPayloadSize = configuration.maxMessageSize
        // The Go shim pings every minute, with or without active calls.
        config.connection.keepalive.clientBehavior = .init(minPingIntervalWithoutCalls: .seconds(10), allowWithoutCalls: true)
        // Each frame waits for its answer: delaying flushes to coalesce them (default 100 µs, ~1 ms in practice)
        // would add that delay to every round trip.
        config.connection.flushCoalescing = nil
        let security: HTTP2ServerTransport.Posix.TransportSecurity
        if configuration.tlsEnabled {
            security = .mTLS(
                certificateChain: [.bytes(Array(serverCredential.certificatePEM.utf8), format: .pem)],
                privateKey: .bytes(Array(serverCredential.privateKeyPEM.utf8), format: .pem)
            ) { tls in
                tls.trustRoots = .certificates([.bytes(Array(self.certificateAuthority.certificatePEM.utf8), format: .pem)])
                tls.clientCertificateVerification = .noHostnameVerification
            }
        } else {
            security = .plaintext
        }
        let host = configuration.host == "localhost" ? "127.0.0.1" : configuration.host
        let transport = HTTP2ServerTransport.Posix(
            address: host.contains(":") ? .ipv6(host: host, port: configuration.port) : .ipv4(host: host, port: configuration.port),
            transportSecurity: security, config: config)
        let service = ChaincodeSupportService(registry: registry, world: state, events: broadcaster, configuration: configuration,
                                              clientCertificates: configuration.tlsEnabled ? clientCertificates : nil)
        let server = GRPCServer(transport: transport, services: [service])
        // Register streams are served on the event loops their connections use (the handlers never block).
        let task = Task(executorPreference: EventLoopTaskExecutor.singleton) { try await server.serve() }
        let bound: String
        do {
            let listening = try await transport.listeningAddress
            if let ipv4 = listening.ipv4 {
                bound = "\(ipv4.host):\(ipv4.port)"
            } else if let ipv6 = listening.ipv6 {
                bound = "[\(ipv6.host)]:\(ipv6.port)"
            } else {
                bound = "\(host):\(configuration.port)"
            }
        } catch {
            task.cancel()
            _ = await task.result
            throw error
        }
        running.withLock { $0 = Running(server: server, task: task, address: bound) }
        return bound
    }

    /// The bound `host:port`, or nil when stopped.
    public var address: String? { running.withLock { $0?.address } }

    /// Stops listening, ends every chaincode stream and every event stream.
    public func stop() async {
        guard let current = running.withLock({ state -> Running? in defer { state = nil }; return state }) else { return }
        current.server.beginGracefulShutdown()
        current.task.cancel()
        _ = await current.task.result
        broadcaster.finishAll()
    }

    // MARK: - Chaincode registry

    /// Ids of the chaincodes registered and ready, sorted.
    public var registeredChaincodes: [String] { registry.readyIDs() }

    /// Returns once a chaincode with this id (or name) is registered and ready.
    public func waitForRegistration(of chaincode: String) async {
        await registry.waitUntilReady(chaincode)
    }

    /// Returns once no chaincode with this id (or name) is registered: its stream
    /// has ended and the peer has noticed. Use it before relaunching a stopped chaincode.
    public func waitForDeregistration(of chaincode: String) async {
        await registry.waitUntilGone(chaincode)
    }

    /// How long the client certificates handed to chaincode started elsewhere (an IDE, `go run`) stay valid: a working
    /// day of restarts, where a launch's own certificate lasts `configuration.clientCertificateValidity`.
    public static let handedOutCertificateValidity: TimeInterval = 24 * 3600

    /// Whether `id` has the form a chaincode registers with in dev mode: `NAME:VERSION`, both non-empty.
    public static func isNameAndVersion(_ id: String) -> Bool {
        let parts = id.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty && !id.contains("/")
    }

    /// The `chaincode.json` for a chaincode started elsewhere as `chaincodeID` (`NAME:VERSION`): its certificate,
    /// issued for that chaincode only, is valid for `handedOutCertificateValidity`.
    public func handOutLaunchConfiguration(chaincodeID: String) throws -> PeerConnection {
        try launchConfiguration(chaincodeID: chaincodeID, validFor: Self.handedOutCertificateValidity)
    }

    /// The `chaincode.json` a peer hands to `bin/run` for `chaincodeID`, with a fresh client certificate when TLS is
    /// on, issued for that chaincode only (valid for `validity`, by default the configuration's). Fails when the peer
    /// is not running.
    public func launchConfiguration(chaincodeID: String, validFor validity: TimeInterval? = nil) throws -> PeerConnection {
        guard let address else { throw DebugPeerError.notRunning }
        guard configuration.tlsEnabled else {
            return PeerConnection(chaincodeID: chaincodeID, peerAddress: address, mspID: configuration.mspID)
        }
        let client = try certificateAuthority.issue(
            commonName: chaincodeID, usage: .client, validFor: validity ?? configuration.clientCertificateValidity)
        clientCertificates.record(client.certificate, for: chaincodeID)
        return PeerConnection(
            chaincodeID: chaincodeID, peerAddress: address,
            tls: TLSMaterial(clientCertificate: client.certificatePEM, clientKey: client.privateKeyPEM,
                             rootCertificate: certificateAuthority.certificatePEM),
            mspID: configuration.mspID)
    }
}
