import DebugPeer
import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// The debug peer's HTTP/JSON invoke API for humans, the `k8svm dev invoke`
/// CLI and editors. Listens on loopback by default; see ``DebugPeerRoutes`` for the routes.
public final class DebugPeerHTTPServer: Sendable {
    /// The peer the API drives.
    public let peer: DebugPeer
    private let host: String
    private let port: Int
    private let running = Mutex<(task: Task<Void, any Error>, address: String)?>(nil)

    /// An API for `peer` that will listen on `host:port` (port 0 picks a free port).
    public init(peer: DebugPeer, host: String = "127.0.0.1", port: Int = 7080) {
        self.peer = peer
        self.host = host
        self.port = port
    }

    /// Starts listening and returns the bound `host:port`.
    @discardableResult
    public func start() async throws -> String {
        let (bound, boundContinuation) = AsyncStream<String>.makeStream()
        let host = self.host
        // The server's own lines ("Server started…", and an error line when `stop()` cancels it) are not for a
        // developer's terminal: k8svm announces the address itself, and every request's error goes to its client.
        var logger = Logger(label: "k8svm.debug-peer.api")
        logger.logLevel = .critical
        let application = Application(
            router: DebugPeerRoutes.router(for: peer),
            configuration: .init(address: .hostname(host, port: port), serverName: "k8svm-debug-peer"),
            onServerRunning: { channel in
                boundContinuation.yield("\(host):\(channel.localAddress?.port ?? 0)")
                boundContinuation.finish()
            },
            logger: logger)
        let task = Task {
            defer { boundContinuation.finish() }
            try await application.run()
        }
        var iterator = bound.makeAsyncIterator()
        guard let address = await iterator.next() else {
            // The server stopped before it was running: surface its error.
            try await task.value
            throw DebugPeerError.notRunning
        }
        running.withLock { $0 = (task, address) }
        return address
    }

    /// The bound `host:port`, or nil when stopped.
    public var address: String? { running.withLock { $0?.address } }

    /// Stops the server (open event streams are closed).
    public func stop() async {
        guard let current = running.withLock({ state -> (task: Task<Void, any Error>, address: String)? in
            defer { state = nil }
            return state
        }) else { return }
        current.task.cancel()
        _ = await current.task.result
    }
}
