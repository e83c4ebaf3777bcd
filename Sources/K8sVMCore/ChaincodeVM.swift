import PeerContract

/// The VM interface: turns a package into a build, and a build into a running chaincode instance.
///
/// Implementations (local process, Kubernetes, sandbox) know nothing of the peer's argv; the builder verbs
/// (`detect`, `build`, `release`, `run`) know nothing of how a chaincode is run.
public protocol ChaincodeVM: Sendable {
    /// The backend's name, as `backend:` selects it and as its build records are tagged.
    var backend: String { get }

    /// The package types this VM can build and run right now, on this host. `detect` claims exactly these.
    func servableTypes() -> Set<ChaincodeType>

    /// Builds the package in `request.sourceDirectory` into `request.buildDirectory` and returns the record that
    /// `start` needs later (the caller persists it in the build directory).
    func build(_ request: BuildRequest) async throws -> BuildRecord

    /// Starts a build as a chaincode that dials the peer of `connection`. A record another backend made is refused.
    func start(_ record: BuildRecord, buildDirectory: String, connection: PeerConnection) async throws -> any ChaincodeInstance

    /// After a stop is asked for, how long the chaincode gets before it is forced to stop.
    var stopGracePeriod: Duration { get }
}

/// A started chaincode. It ends by itself, or when stopped.
public protocol ChaincodeInstance: Sendable {
    /// Asks the chaincode to stop (SIGTERM for a process, deleting the Pod on Kubernetes) and forces it after `grace`.
    func stop(grace: Duration) async
    /// Waits for the chaincode to end and returns how it ended.
    func wait() async -> ExitStatus
}

/// A chaincode that is a process on this host, so a signal `run` receives can be passed on as it is.
public protocol SignalForwarding: ChaincodeInstance {
    /// Sends `signal` to the chaincode and forces it to stop after `grace`.
    func stop(signal: Int32, grace: Duration) async
}

/// One implementation of the VM interface as the executable composes it: the name `backend:` selects it by, the
/// settings sections it reads, and how its VM is made from the configuration.
public protocol ChaincodeBackend {
    /// The value of `backend:` that selects it.
    static var name: String { get }
    /// The settings it reads.
    static var settingsSections: [any SettingsSection.Type] { get }
    /// Its VM for `configuration`.
    static func makeVM(configuration: Configuration, environment: [String: String]) throws -> any ChaincodeVM
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
