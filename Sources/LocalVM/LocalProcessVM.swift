import Foundation
import K8sVMCore
import PeerContract
#if canImport(Glibc)
import Glibc
#endif

/// The local-process backend: chaincode is built on this host and runs as a child process of `bin/run`.
public struct LocalProcessVM: ChaincodeVM, ChaincodeBackend {
    public static let name = "local"
    public static let settingsSections: [any SettingsSection.Type] = [LocalSettings.self]

    public let settings: LocalSettings
    public let environment: [String: String]

    public init(settings: LocalSettings, environment: [String: String]) {
        self.settings = settings
        self.environment = environment
    }

    public static func makeVM(configuration: Configuration, environment: [String: String]) throws -> any ChaincodeVM {
        LocalProcessVM(settings: configuration[LocalSettings.self], environment: environment)
    }

    public var backend: String { Self.name }
    public var stopGracePeriod: Duration { settings.stopGracePeriod }

    public func servableTypes() -> Set<ChaincodeType> {
        var types: Set<ChaincodeType> = [.binary]
        if (try? ChildProcess.resolve(settings.goCommand, path: environment["PATH"])) != nil {
            types.insert(.golang)
        }
        return types
    }

    public func build(_ request: BuildRequest) async throws -> BuildRecord {
        let build: ExecutableBuild
        switch request.metadata.type {
        case .binary:
            build = try BinaryBuild(request: request).run()
        case .golang:
            build = try await GoBuild(request: request, settings: settings, environment: environment).run()
        case .node, .java, .image:
            throw K8sVMError("the local backend cannot build \(request.metadata.type.rawValue) packages (it builds: golang, binary)")
        }
        try MetaINF.copy(from: request.sourceDirectory, to: request.buildDirectory)
        return try BuildRecord(backend: backend, type: request.metadata.type, label: request.metadata.label, build: build)
    }

    public func start(_ record: BuildRecord, buildDirectory: String, connection: PeerConnection) async throws -> any ChaincodeInstance {
        try await LocalChaincodeInstance.start(
            build: record.build(ExecutableBuild.self, madeBy: backend), buildDirectory: buildDirectory,
            connection: connection, environment: environment)
    }
}
