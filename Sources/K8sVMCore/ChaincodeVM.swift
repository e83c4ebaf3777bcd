/// The VM interface: turns a package into a build, and a build into a running chaincode instance.
///
/// Implementations (local process, Kubernetes, sandbox) know nothing of the peer's argv; the builder verbs
/// (`detect`, `build`, `release`, `run`) know nothing of how a chaincode is run.
public protocol ChaincodeVM: Sendable {
    /// The package types this VM can build and run right now, on this host. `detect` claims exactly these.
    func servableTypes() -> Set<ChaincodeType>

    /// Builds the package in `request.sourceDirectory` into `request.buildDirectory` and returns the record that
    /// `start` needs later (the caller persists it in the build directory).
    func build(_ request: BuildRequest) async throws -> BuildRecord

    /// Starts a build as a chaincode that dials the peer of `connection`.
    func start(_ record: BuildRecord, buildDirectory: String, connection: PeerConnection) async throws -> any ChaincodeInstance
}

/// A started chaincode. It ends by itself, or when stopped.
public protocol ChaincodeInstance: Sendable {
    /// Asks the chaincode to stop (`signal` for a process, the backend's equivalent elsewhere) and forces it
    /// after `grace`.
    func stop(signal: Int32, grace: Duration) async
    /// Waits for the chaincode to end and returns how it ended.
    func wait() async -> ExitStatus
}

/// What `build` is given: the peer's three directories, with the metadata already read.
public struct BuildRequest: Sendable {
    public var sourceDirectory: String
    public var metadata: PackageMetadata
    public var buildDirectory: String

    public init(sourceDirectory: String, metadata: PackageMetadata, buildDirectory: String) {
        self.sourceDirectory = sourceDirectory
        self.metadata = metadata
        self.buildDirectory = buildDirectory
    }
}

/// How a chaincode process or container ended.
public enum ExitStatus: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    /// The exit code a parent reports for it: the code itself, or 128 + the signal number as shells do.
    public var code: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
    }

    public var description: String {
        switch self {
        case .exited(let code): "exited with code \(code)"
        case .signaled(let signal): "killed by signal \(signal)"
        }
    }
}
