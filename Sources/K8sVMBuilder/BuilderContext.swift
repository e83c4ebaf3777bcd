import K8sVMCore
import KubernetesVM
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
        case .kubernetes:
            return KubernetesVM(settings: configuration.kubernetes, imageBuild: configuration.build, environment: environment)
        case .sandbox:
            return try SandboxVM(configuration: configuration.sandbox, environment: environment)
        }
    }

    /// After SIGTERM, how long the chaincode gets before it is forced to stop.
    public var stopGracePeriod: Duration {
        configuration.backend == .kubernetes ? configuration.kubernetes.stopGracePeriod : configuration.local.stopGracePeriod
    }
}
