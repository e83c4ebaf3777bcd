import ChaincodeShim
import DebugPeer
import TestSupport

/// Starts a debug peer on a free loopback port (mutual TLS with `tls`), runs `body` with it, and stops it afterwards,
/// also when `body` throws: the embedded peer a chaincode's own tests run against.
///
/// ```swift
/// try await withDebugPeer { peer in
///     try await withChaincode(AssetTransfer(), id: "basic:1.0", on: peer) { _ in
///         let response = try await peer.invoke(chaincode: "basic:1.0", args: ["CreateAsset", "a1"])
///     }
/// }
/// ```
public func withDebugPeer<T: Sendable>(
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

/// A chaincode served in this process by the Swift shim, over real gRPC to a debug peer.
public struct InProcessChaincode: Sendable {
    /// The chaincode's package ID, as the peer knows it.
    public let id: String
    private let task: Task<Void, any Error>
    private let peer: DebugPeer

    /// Starts `chaincode` with the peer's own launch material (TLS included when the peer has it on) and returns once
    /// the peer has it registered; throws `TimedOut` when that takes over 30 s.
    public static func start(_ chaincode: some Chaincode, id: String, on peer: DebugPeer) async throws -> InProcessChaincode {
        let launch = try peer.launchConfiguration(chaincodeID: id)
        let address = launch.peerAddress.split(separator: ":")
        let configuration = ShimConfiguration(chaincodeID: id, peerHost: String(address[0]), peerPort: Int(address[1]) ?? 0,
                                              tls: launch.tls, mspID: launch.mspID)
        let task = Task { try await ChaincodeServer.run(chaincode, configuration: configuration) }
        let running = InProcessChaincode(id: id, task: task, peer: peer)
        do {
            try await withTimeout(30, "\(id) to register") { await peer.waitForRegistration(of: id) }
        } catch {
            await running.stop()
            throw error
        }
        return running
    }

    /// Ends the chaincode's stream and waits (up to 10 s) until the peer has deregistered it.
    public func stop() async {
        task.cancel()
        _ = await task.result
        let (peer, id) = (peer, id)
        _ = try? await withTimeout(10, "\(id) to deregister") { await peer.waitForDeregistration(of: id) }
    }
}

/// Starts `chaincode` against `peer` (`InProcessChaincode.start`), runs `body`, and stops the chaincode afterwards,
/// also when `body` throws.
public func withChaincode<T: Sendable>(
    _ chaincode: some Chaincode, id: String, on peer: DebugPeer, _ body: (InProcessChaincode) async throws -> T
) async throws -> T {
    let running = try await InProcessChaincode.start(chaincode, id: id, on: peer)
    return try await withCleanup({ await running.stop() }) { try await body(running) }
}
