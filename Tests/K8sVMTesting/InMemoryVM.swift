import Foundation
import K8sVMCore
import PeerContract
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A ``ChaincodeVM`` that builds and runs nothing, for tests of what sits above the VM interface (the builder verbs,
/// a launcher): a build records what it was asked, a launch is an ``InMemoryChaincode`` the test ends.
public final class InMemoryVM: ChaincodeVM {
    /// What this VM's build records hold: the label and the files the source directory had.
    public struct Build: Codable, Sendable, Equatable {
        public var label: String
        public var sourceFiles: [String]

        public init(label: String, sourceFiles: [String]) {
            self.label = label
            self.sourceFiles = sourceFiles
        }
    }

    public let backend: String
    public let stopGracePeriod: Duration
    private let servable: Set<ChaincodeType>
    private let buildFailure: K8sVMError?
    private let state = Mutex(State())

    private struct State {
        var builds: [BuildRequest] = []
        var launches: [InMemoryChaincode] = []
        var launchWaiters: [CheckedContinuation<InMemoryChaincode, Never>] = []
    }

    /// A VM named `backend` that claims `servableTypes`; with `buildFailure`, every build writes a file into the build
    /// directory and then fails with that error (what a real build that broke half-way does).
    public init(backend: String = "memory", servableTypes: Set<ChaincodeType> = [.binary, .golang],
                stopGracePeriod: Duration = .seconds(1), buildFailure: K8sVMError? = nil) {
        self.backend = backend
        self.servable = servableTypes
        self.stopGracePeriod = stopGracePeriod
        self.buildFailure = buildFailure
    }

    /// The builds asked for so far.
    public var builds: [BuildRequest] { state.withLock { $0.builds } }
    /// The chaincodes started so far.
    public var launches: [InMemoryChaincode] { state.withLock { $0.launches } }

    public func servableTypes() -> Set<ChaincodeType> { servable }

    public func build(_ request: BuildRequest) async throws -> BuildRecord {
        state.withLock { $0.builds.append(request) }
        if let buildFailure {
            FileManager.default.createFile(atPath: request.buildDirectory + "/partial-output", contents: Data("half".utf8))
            throw buildFailure
        }
        let files = (try? FileManager.default.subpathsOfDirectory(atPath: request.sourceDirectory)) ?? []
        return try BuildRecord(backend: backend, type: request.metadata.type, label: request.metadata.label,
                               build: Build(label: request.metadata.label, sourceFiles: files.sorted()))
    }

    public func start(_ record: BuildRecord, buildDirectory: String, connection: PeerConnection) async throws -> any ChaincodeInstance {
        let build = try record.build(Build.self, madeBy: backend)
        let chaincode = InMemoryChaincode(build: build, connection: connection)
        let waiters = state.withLock { state in
            state.launches.append(chaincode)
            defer { state.launchWaiters = [] }
            return state.launchWaiters
        }
        for waiter in waiters { waiter.resume(returning: chaincode) }
        return chaincode
    }

    /// The first chaincode started, once there is one.
    public func firstLaunch() async -> InMemoryChaincode {
        await withCheckedContinuation { continuation in
            let started = state.withLock { state -> InMemoryChaincode? in
                if let first = state.launches.first { return first }
                state.launchWaiters.append(continuation)
                return nil
            }
            if let started { continuation.resume(returning: started) }
        }
    }
}

/// A chaincode of ``InMemoryVM``: it runs until the test ends it or someone stops it.
public final class InMemoryChaincode: ChaincodeInstance {
    public let build: InMemoryVM.Build
    /// The `chaincode.json` it was started with.
    public let connection: PeerConnection
    private let state = Mutex(State())

    private struct State {
        var status: ExitStatus?
        var stops: [Duration] = []
        var waiters: [CheckedContinuation<ExitStatus, Never>] = []
    }

    init(build: InMemoryVM.Build, connection: PeerConnection) {
        self.build = build
        self.connection = connection
    }

    /// The grace periods stops were asked with.
    public var stopRequests: [Duration] { state.withLock { $0.stops } }

    /// Ends the chaincode with `status` (a later end changes nothing).
    public func end(_ status: ExitStatus) {
        let waiters = state.withLock { state -> [CheckedContinuation<ExitStatus, Never>] in
            guard state.status == nil else { return [] }
            state.status = status
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: status) }
    }

    /// Records the request and ends as a process ends on SIGTERM.
    public func stop(grace: Duration) async {
        state.withLock { $0.stops.append(grace) }
        end(.signaled(SIGTERM))
    }

    public func wait() async -> ExitStatus {
        await withCheckedContinuation { continuation in
            let ended = state.withLock { state -> ExitStatus? in
                if let status = state.status { return status }
                state.waiters.append(continuation)
                return nil
            }
            if let ended { continuation.resume(returning: ended) }
        }
    }
}
