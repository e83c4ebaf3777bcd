import K8sVMCore
import LocalVM
import SandboxVM

/// What every verb needs: the effective configuration, the environment, and the VM the backend selects.
public struct BuilderContext: Sendable {
    public let configuration: Configuration
    public let environment: [String: String]

    public init(builderDirectory: String?, environment: [String: String]) throws {
        self.configuration = try Configuration.load(builderDirectory: builderDirectory, environment: environment)
        self.environment = environment
    }

    /// The VM of the configured backend.
    public func virtualMachine() throws -> any ChaincodeVM {
        switch configuration.backend {
        case .local:
            return LocalProcessVM(configuration: configuration.local, environment: environment)
        case .sandbox:
            return try SandboxVM(configuration: configuration.sandbox, environment: environment)
        case .kubernetes:
            throw K8sVMError("backend \"\(configuration.backend.rawValue)\" is not available in this version of k8svm (available: local, sandbox)")
        }
    }
}
