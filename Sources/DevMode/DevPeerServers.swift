import DebugPeer
import DebugPeerAPI
import Foundation
import K8sVMCore

/// The embedded debug peer and its HTTP API, started together and stopped together.
public final class DevPeerServers: Sendable {
    /// Where and how to listen.
    public struct Options: Sendable {
        public var listen: String
        public var api: String
        public var tls: Bool
        public var stateFile: String?

        public init(listen: String = "127.0.0.1:7052", api: String = "127.0.0.1:7080", tls: Bool = false, stateFile: String? = nil) {
            self.listen = listen
            self.api = api
            self.tls = tls
            self.stateFile = stateFile
        }
    }

    public let peer: DebugPeer
    public let api: DebugPeerHTTPServer
    /// The peer's chaincode address, once started.
    public let peerAddress: String
    /// The HTTP API's address, once started.
    public let apiAddress: String

    private init(peer: DebugPeer, api: DebugPeerHTTPServer, peerAddress: String, apiAddress: String) {
        self.peer = peer
        self.api = api
        self.peerAddress = peerAddress
        self.apiAddress = apiAddress
    }

    /// Starts both; on failure nothing is left listening.
    public static func start(_ options: Options) async throws -> DevPeerServers {
        let (peerHost, peerPort) = try LoopbackAddress.parse(options.listen, option: "--listen")
        let (apiHost, apiPort) = try LoopbackAddress.parse(options.api, option: "--api")
        let peer = try DebugPeer(configuration: DebugPeerConfiguration(
            host: peerHost, port: peerPort, tlsEnabled: options.tls,
            stateFile: options.stateFile.map { URL(fileURLWithPath: $0) }))
        let peerAddress: String
        do {
            peerAddress = try await peer.start()
        } catch {
            throw ListenAddressCheck.startError("the debug peer", address: options.listen, host: peerHost, port: peerPort,
                                                option: "--listen", error: error)
        }
        let api = DebugPeerHTTPServer(peer: peer, host: apiHost, port: apiPort)
        do {
            let apiAddress = try await api.start()
            return DevPeerServers(peer: peer, api: api, peerAddress: peerAddress, apiAddress: apiAddress)
        } catch {
            await peer.stop()
            throw ListenAddressCheck.startError("the debug peer's API", address: options.api, host: apiHost, port: apiPort,
                                                option: "--api", error: error)
        }
    }

    /// Stops the API, then the peer.
    public func stop() async {
        await api.stop()
        await peer.stop()
    }
}

/// `host:port` options of the dev commands.
enum LoopbackAddress {
    static func parse(_ address: String, option: String) throws -> (String, Int) {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
              (0...65535).contains(port)
        else {
            throw K8sVMError("\(option) \"\(address)\" is not host:port")
        }
        var host = String(address[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "127.0.0.1" : host, port)
    }
}
