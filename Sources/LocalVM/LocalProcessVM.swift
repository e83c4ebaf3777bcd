import Foundation
import K8sVMCore
#if canImport(Glibc)
import Glibc
#endif

/// The local-process backend: chaincode is built on this host and runs as a child process of `bin/run`.
public struct LocalProcessVM: ChaincodeVM {
    public let configuration: Configuration.Local
    public let environment: [String: String]

    public init(configuration: Configuration.Local, environment: [String: String]) {
        self.configuration = configuration
        self.environment = environment
    }

    public func servableTypes() -> Set<ChaincodeType> {
        var types: Set<ChaincodeType> = [.binary]
        if (try? ChildProcess.resolve(configuration.goCommand, path: environment["PATH"])) != nil {
            types.insert(.golang)
        }
        return types
    }

    public func build(_ request: BuildRequest) async throws -> BuildRecord {
        let record: BuildRecord
        switch request.metadata.type {
        case .binary:
            record = try BinaryBuild(request: request).run()
        case .golang:
            record = try await GoBuild(request: request, configuration: configuration, environment: environment).run()
        case .node, .java, .image:
            throw K8sVMError("the local backend cannot build \(request.metadata.type.rawValue) packages (it builds: golang, binary)")
        }
        try MetaINF.copy(from: request.sourceDirectory, to: request.buildDirectory)
        return record
    }

    public func start(_ record: BuildRecord, buildDirectory: String, connection: PeerConnection) async throws -> any ChaincodeInstance {
        try await LocalChaincodeInstance.start(
            record: record, buildDirectory: buildDirectory, connection: connection,
            environment: environment)
    }
}
