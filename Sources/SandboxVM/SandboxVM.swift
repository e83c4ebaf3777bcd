import Foundation
import K8sVMCore
import LocalVM
import PeerContract

/// The `sandbox` backend: the local-process VM with every build and chaincode inside bubblewrap, reaching nothing
/// but the peer (see ``SandboxedBuild`` and ``SandboxedChaincode``).
public struct SandboxVM: ChaincodeVM, ChaincodeBackend {
    public static let name = "sandbox"
    public static let settingsSections: [any SettingsSection.Type] = [SandboxSettings.self]

    public let host: SandboxHost

    public init(settings: SandboxSettings, environment: [String: String]) throws {
        host = try SandboxHost(settings: settings, environment: environment)
    }

    public static func makeVM(configuration: Configuration, environment: [String: String]) throws -> any ChaincodeVM {
        try SandboxVM(settings: configuration[SandboxSettings.self], environment: environment)
    }

    public var backend: String { Self.name }

    /// A sandboxed chaincode is killed at once when stopped: nothing it could save outlives its sandbox.
    public var stopGracePeriod: Duration { .zero }

    public func servableTypes() -> Set<ChaincodeType> {
        var types: Set<ChaincodeType> = [.binary]
        if (try? ChildProcess.resolve(host.settings.goCommand, path: host.environment["PATH"])) != nil { types.insert(.golang) }
        return types
    }

    /// Builds in a sandbox; the chaincode's build log goes to stderr (the peer's log).
    public func build(_ request: BuildRequest) async throws -> BuildRecord {
        let log = RunLog()
        let printer = Task { for await chunk in log.follow() { FileHandle.standardError.write(chunk) } }
        defer { log.finish() }
        do {
            let build = try await SandboxedBuild(host: host, log: log).run(request)
            log.finish()
            await printer.value
            return try BuildRecord(backend: backend, type: request.metadata.type, label: request.metadata.label, build: build)
        } catch {
            log.finish()
            await printer.value
            throw error
        }
    }

    /// Starts the build in a sandbox; its output goes to stderr, and its end is reported there too.
    public func start(_ record: BuildRecord, buildDirectory: String, connection: PeerConnection) async throws -> any ChaincodeInstance {
        let chaincode = try SandboxedChaincode.start(build: record.build(ExecutableBuild.self, madeBy: backend),
                                                     buildDirectory: buildDirectory, connection: connection, host: host)
        let printer = Task { for await chunk in chaincode.log.follow() { FileHandle.standardError.write(chunk) } }
        return LoggedInstance(chaincode: chaincode, printer: printer)
    }
}

/// A sandboxed chaincode whose log is copied to stderr; `wait()` returns once the log, ending with how the chaincode
/// ended, is all out.
private struct LoggedInstance: ChaincodeInstance {
    let chaincode: SandboxedChaincode
    let printer: Task<Void, Never>

    func stop(grace: Duration) async {
        await chaincode.stop(grace: grace)
    }

    func wait() async -> ExitStatus {
        let end = await chaincode.end()
        chaincode.log.note("chaincode \(end.message)")
        chaincode.log.finish()
        await printer.value
        return end.status
    }
}
