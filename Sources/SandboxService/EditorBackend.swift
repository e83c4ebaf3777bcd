import Foundation
import K8sVMCore
import SandboxVM

/// `k8svm sandbox serve`: the editor-backend API until a signal; every run is stopped and removed on the way out.
public struct EditorBackend: Sendable {
    public var api: String
    public var maxRuns: Int
    public var settings: SandboxSettings
    public var environment: [String: String]

    public init(api: String, maxRuns: Int, settings: SandboxSettings, environment: [String: String]) {
        self.api = api
        self.maxRuns = maxRuns
        self.settings = settings
        self.environment = environment
    }

    /// Serves until SIGTERM/SIGINT/SIGHUP; returns 128 + the signal.
    public func run() async throws -> Int32 {
        guard case .tcp(let host, let port) = try SocketEndpoint.tcp(api) else { throw K8sVMError("--api \(api) is not host:port") }
        let registry = DebugRunRegistry(host: try SandboxHost(settings: settings, environment: environment),
                                        maxActive: maxRuns)
        let server = EditorAPIServer(registry: registry, host: host, port: port)
        let signals = AsyncStream<Int32>.makeStream()
        TerminationSignals.shared.setHandler { signals.continuation.yield($0) }
        defer { TerminationSignals.shared.setHandler(nil) }
        let serving = Task {
            try await server.run { say("editor API on http://\($0)") }
        }
        let signal: Int32 = await withTaskGroup(of: Int32?.self) { group in
            group.addTask { for await signal in signals.stream { return signal }; return nil }
            group.addTask { _ = await serving.result; return nil }
            let first = await group.next() ?? nil
            if let first { say("signal \(first): stopping every run") }
            await registry.stopAll()
            serving.cancel()
            signals.continuation.finish()
            return first ?? 0
        }
        if case .failure(let error) = await serving.result, signal == 0 {
            throw K8sVMError("the editor API on \(api) stopped: \(error)", cause: error)
        }
        return signal == 0 ? 1 : 128 + signal
    }
}
