import K8sVMCore

/// What every verb needs: the effective configuration, the environment, and a way to the VM the executable chose
/// for it (made only by the verbs that use one: `release` never starts a backend).
public struct BuilderContext: Sendable {
    public let configuration: Configuration
    public let environment: [String: String]
    private let makeVM: @Sendable (Configuration, [String: String]) throws -> any ChaincodeVM

    public init(configuration: Configuration, environment: [String: String],
                makeVM: @escaping @Sendable (Configuration, [String: String]) throws -> any ChaincodeVM) {
        self.configuration = configuration
        self.environment = environment
        self.makeVM = makeVM
    }

    /// The VM of the configured backend.
    public func virtualMachine() throws -> any ChaincodeVM {
        try makeVM(configuration, environment)
    }
}
