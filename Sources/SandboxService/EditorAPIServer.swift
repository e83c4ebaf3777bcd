import Foundation
import Hummingbird
import Logging
import NIOCore

/// The editor backend's HTTP/JSON API (see ``EditorAPIRoutes``), on loopback beside the debug peers it starts.
public final class EditorAPIServer: Sendable {
    public let registry: DebugRunRegistry
    private let host: String
    private let port: Int

    public init(registry: DebugRunRegistry, host: String = "127.0.0.1", port: Int = 7090) {
        self.registry = registry
        self.host = host
        self.port = port
    }

    /// Serves until the task is cancelled; `onListening` gets the bound `host:port` once it is.
    public func run(onListening: @escaping @Sendable (String) -> Void) async throws {
        let host = self.host
        let application = Application(
            router: EditorAPIRoutes.router(for: registry),
            configuration: .init(address: .hostname(host, port: port), serverName: "k8svm-sandbox"),
            onServerRunning: { channel in onListening("\(host):\(channel.localAddress?.port ?? 0)") },
            logger: Logger(label: "k8svm.sandbox.api"))
        try await application.run()
    }
}
