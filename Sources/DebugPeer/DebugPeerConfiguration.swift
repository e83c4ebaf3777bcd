import Foundation

/// How a ``DebugPeer`` listens and behaves.
public struct DebugPeerConfiguration: Sendable {
    /// The address to listen on; loopback by default.
    public var host: String
    /// The port to listen on; 0 picks a free port (see ``DebugPeer/start()``).
    public var port: Int
    /// Require mutual TLS with certificates from the peer's own CA.
    public var tlsEnabled: Bool
    /// Largest gRPC message accepted, in bytes (the Go shim's limit: 100 MiB).
    public var maxMessageSize: Int
    /// Results per range-query page before `has_more` (the real peer's default: 100).
    public var rangeQueryPageSize: Int
    /// JSON file that keeps the world state across restarts; nil keeps it in memory only.
    public var stateFile: URL?
    /// Send KEEPALIVE on every stream at this interval; nil (the peer's default) never does.
    public var keepaliveInterval: Duration?
    /// The MSP id written to `chaincode.json` and used in proposal creators.
    public var mspID: String
    /// The channel used when an invoke names none.
    public var defaultChannel: String
    /// Extra DNS names / IP addresses for the TLS server certificate, for chaincode
    /// that dials the peer by another name (localhost, 127.0.0.1, ::1 and `host` are always included).
    public var tlsHostNames: [String]
    /// Validity of per-launch client certificates (a real peer issues them for 10 minutes).
    public var clientCertificateValidity: TimeInterval

    /// Creates a configuration; every parameter has the dev-mode default.
    public init(
        host: String = "127.0.0.1",
        port: Int = 7052,
        tlsEnabled: Bool = false,
        maxMessageSize: Int = 100 * 1024 * 1024,
        rangeQueryPageSize: Int = 100,
        stateFile: URL? = nil,
        keepaliveInterval: Duration? = nil,
        mspID: String = "DevMSP",
        defaultChannel: String = "devchannel",
        clientCertificateValidity: TimeInterval = 600,
        tlsHostNames: [String] = []
    ) {
        self.tlsHostNames = tlsHostNames
        self.host = host
        self.port = port
        self.tlsEnabled = tlsEnabled
        self.maxMessageSize = maxMessageSize
        self.rangeQueryPageSize = rangeQueryPageSize
        self.stateFile = stateFile
        self.keepaliveInterval = keepaliveInterval
        self.mspID = mspID
        self.defaultChannel = defaultChannel
        self.clientCertificateValidity = clientCertificateValidity
    }
}
