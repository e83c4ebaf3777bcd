import ChaincodeProtocol
import ChaincodeShim
import DebugPeer
import Foundation
import TestSupport

/// Starts a debug peer on a free loopback port, runs `body`, and always stops it.
func withPeer<T: Sendable>(
    tls: Bool = false,
    configure: (inout DebugPeerConfiguration) -> Void = { _ in },
    _ body: (DebugPeer) async throws -> T
) async throws -> T {
    var configuration = DebugPeerConfiguration(port: 0, tlsEnabled: tls)
    configure(&configuration)
    let peer = try DebugPeer(configuration: configuration)
    try await peer.start()
    return try await withCleanup({ await peer.stop() }) { try await body(peer) }
}

/// A chaincode served in-process by the Swift shim over real gRPC.
struct InProcessChaincode {
    let task: Task<Void, any Error>
    let id: String
    let peer: DebugPeer

    /// Stops the chaincode (ends its stream) and waits until the peer has deregistered it.
    func stop() async {
        task.cancel()
        _ = await task.result
        _ = try? await withTimeout(10, "\(id) to deregister") { await peer.waitForDeregistration(of: id) }
    }
}

/// Starts `chaincode` with the shim against `peer`, using the peer's own launch
/// configuration (TLS material included when the peer has TLS on), and waits until it is READY.
func startChaincode(
    _ chaincode: some Chaincode = TestChaincode(), id: String = "testcc:1.0", on peer: DebugPeer
) async throws -> InProcessChaincode {
    let launch = try peer.launchConfiguration(chaincodeID: id)
    let host = String(launch.peerAddress.split(separator: ":")[0])
    let port = Int(launch.peerAddress.split(separator: ":")[1])!
    let configuration = ShimConfiguration(chaincodeID: id, peerHost: host, peerPort: port, tls: launch.tls, mspID: launch.mspID)
    let task = Task { try await ChaincodeServer.run(chaincode, configuration: configuration) }
    let running = InProcessChaincode(task: task, id: id, peer: peer)
    do {
        try await withTimeout(30, "\(id) to register") { await peer.waitForRegistration(of: id) }
    } catch {
        await running.stop()
        throw error
    }
    return running
}

/// Starts `chaincode` against `peer` (``startChaincode(_:id:on:)``), runs `body`, and always stops the chaincode.
func withChaincode<T: Sendable>(
    _ chaincode: some Chaincode = TestChaincode(), id: String = "testcc:1.0", on peer: DebugPeer,
    _ body: (InProcessChaincode) async throws -> T
) async throws -> T {
    let running = try await startChaincode(chaincode, id: id, on: peer)
    return try await withCleanup({ await running.stop() }) { try await body(running) }
}

extension Protos_Response {
    var text: String { String(decoding: payload, as: UTF8.self) }
}
