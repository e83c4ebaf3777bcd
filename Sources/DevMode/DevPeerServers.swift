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
        /// Chaincodes (`NAME:VERSION`) started elsewhere, for which material is written under `materialDirectory`.
        public var chaincodes: [String]
        public var materialDirectory: String

        public init(listen: String = "127.0.0.1:7052", api: String = "127.0.0.1:7080", tls: Bool = false, stateFile: String? = nil,
                    chaincodes: [String] = [], materialDirectory: String = "k8svm-dev-material") {
            self.listen = listen
            self.api = api
            self.tls = tls
            self.stateFile = stateFile
            self.chaincodes = chaincodes
            self.materialDirectory = materialDirectory
        }
    }

    public let peer: DebugPeer
    public let api: DebugPeerHTTPServer
    /// The peer's chaincode address, once started.
    public let peerAddress: String
    /// The HTTP API's address, once started.
    public let apiAddress: String
    /// The material written for chaincodes started elsewhere; removed by `stop()`.
    let material: [OutsideChaincodeMaterial]
    /// The directory made to hold the material, removed by `stop()` when that leaves it empty; nil if it existed.
    private let createdMaterialDirectory: String?

    private init(peer: DebugPeer, api: DebugPeerHTTPServer, peerAddress: String, apiAddress: String,
                 material: [OutsideChaincodeMaterial], createdMaterialDirectory: String?) {
        self.peer = peer
        self.api = api
        self.peerAddress = peerAddress
        self.apiAddress = apiAddress
        self.material = material
        self.createdMaterialDirectory = createdMaterialDirectory
    }

    /// Starts both and writes the material `options.chaincodes` asks for; on failure nothing is left listening or
    /// written.
    public static func start(_ options: Options) async throws -> DevPeerServers {
        try OutsideChaincodeMaterial.validate(options.chaincodes)
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
        let apiAddress: String
        do {
            apiAddress = try await api.start()
        } catch {
            await peer.stop()
            throw ListenAddressCheck.startError("the debug peer's API", address: options.api, host: apiHost, port: apiPort,
                                                option: "--api", error: error)
        }
        var material: [OutsideChaincodeMaterial] = []
        let root = OutsideChaincodeMaterial.absolute(options.materialDirectory)
        let createdRoot = options.chaincodes.isEmpty || FileManager.default.fileExists(atPath: root) ? nil : root
        do {
            for id in options.chaincodes {
                material.append(try OutsideChaincodeMaterial.write(for: id, peer: peer, under: root))
            }
        } catch {
            Self.remove(material, createdDirectory: createdRoot)
            await api.stop()
            await peer.stop()
            throw error
        }
        return DevPeerServers(peer: peer, api: api, peerAddress: peerAddress, apiAddress: apiAddress, material: material,
                              createdMaterialDirectory: createdRoot)
    }

    private static func remove(_ material: [OutsideChaincodeMaterial], createdDirectory: String?) {
        for written in material { written.remove() }
        if let createdDirectory, (try? FileManager.default.contentsOfDirectory(atPath: createdDirectory))?.isEmpty == true {
            try? FileManager.default.removeItem(atPath: createdDirectory)
        }
    }

    /// Says where the peer and its API listen, and how to start the chaincodes material was written for.
    func announce() {
        let tls = peer.configuration.tlsEnabled
        say("debug peer listening on \(peerAddress)\(tls ? " (mutual TLS)" : ""), API on http://\(apiAddress)")
        for written in material {
            for line in written.instructions { say(line) }
        }
    }

    /// Stops the API, then the peer, and removes the material written for chaincodes started elsewhere.
    public func stop() async {
        await api.stop()
        await peer.stop()
        Self.remove(material, createdDirectory: createdMaterialDirectory)
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
