import Foundation
import K8sVMCore
import LocalVM

/// The `sandbox` backend: the local-process VM with every build and chaincode inside bubblewrap, reaching nothing
/// but the peer (see ``SandboxedBuild`` and ``SandboxedChaincode``).
public struct SandboxVM: ChaincodeVM {
    public let host: SandboxHost

    public init(configuration: Configuration.Sandbox, environment: [String: String]) throws {
        host = try SandboxHost(configuration: configuration, environment: environment)
    }

    public func servableTypes() -> Set<ChaincodeType> {
        var types: Set<ChaincodeType> = [.binary]
        if (try? ChildProcess.resolve("go", path: host.environment["PATH"])) != nil { types.insert(.golang) }
        return types
    }

    /// Builds in a sandbox; the chaincode's build log goes to stderr (the peer's log).
    public func build(_ request: BuildRequest) async throws -> BuildRecord {
        let log = RunLog()
        let printer = Task { for await chunk in log.follow() { FileHandle.standardError.write(chunk) } }
        defer { log.finish() }
        do {
            var record = try await SandboxedBuild(host: host, log: log).run(request)
            record.backend = Backend.sandbox.rawValue
            log.finish()
            await printer.value
            return record
        } catch {
            log.finish()
            await printer.value
            throw error
        }
    }

    /// Starts the build in a sandbox; its output goes to stderr, and its end is reported there too.
    public func start(_ record: BuildRecord, buildDirectory: String, connection: PeerConnection) async throws -> any ChaincodeInstance {
        let chaincode = try SandboxedChaincode.start(record: record, buildDirectory: buildDirectory, connection: connection, host: host)
        let printer = Task { for await chunk in chaincode.log.follow() { FileHandle.standardError.write(chunk) } }
        return LoggedInstance(chaincode: chaincode, printer: printer)
    }
}

/// A sandboxed chaincode whose log is copied to stderr; `wait()` returns once the log, ending with how the chaincode
/// ended, is all out.
private struct LoggedInstance: ChaincodeInstance {
    let chaincode: SandboxedChaincode
    let printer: Task<Void, Never>

    func stop(signal: Int32, grace: Duration) async {
        await chaincode.stop(signal: signal, grace: grace)
    }

    func wait() async -> ExitStatus {
        let end = await chaincode.end()
        chaincode.log.note("chaincode \(end.message)")
        chaincode.log.finish()
        await printer.value
        return end.status
    }
}
