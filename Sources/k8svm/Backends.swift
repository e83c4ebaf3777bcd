import Foundation
import K8sVMBuilder
import K8sVMCore
import KubernetesVM
import LocalVM
import NIOCore
import SandboxVM

/// The composition root: the backends this executable links, the settings they read, and the VM `backend:` selects.
/// A new backend is one more entry here.
enum Backends {
    /// Every backend; the first is the default.
    static var all: [any ChaincodeBackend.Type] { [LocalProcessVM.self, KubernetesVM.self, SandboxVM.self] }

    static var names: [String] { all.map { $0.name } }

    /// Every backend's defaults.
    static func defaultConfiguration() -> Configuration {
        Configuration(backends: names, sections: all.flatMap { $0.settingsSections })
    }

    /// The effective configuration for a builder installed in `builderDirectory` (or none).
    static func configuration(builderDirectory: String?, environment: [String: String]) throws -> Configuration {
        var configuration = defaultConfiguration()
        try configuration.load(builderDirectory: builderDirectory, environment: environment)
        return configuration
    }

    /// The VM of the backend `configuration` names.
    @Sendable static func makeVM(configuration: Configuration, environment: [String: String]) throws -> any ChaincodeVM {
        guard let backend = all.first(where: { $0.name == configuration.backend }) else {
            throw K8sVMError("unknown backend \"\(configuration.backend)\" (one of: \(names.joined(separator: ", ")))")
        }
        return try backend.makeVM(configuration: configuration, environment: environment)
    }

    /// Runs a builder verb of a builder installed in `builderDirectory` with the process's environment, as the
    /// process's one verb, and returns its exit code.
    static func runVerb(_ verb: BuilderVerb, arguments: [String], builderDirectory: String?) -> Int32 {
        // A verb talks to one API server or registry at a time, which one event-loop thread serves; NIO would start
        // one per core, and a `run` waits for days on nodes with many. (A process-wide setting, made once.)
        NIOSingletons.groupLoopCountSuggestion = 1
        let environment = ProcessInfo.processInfo.environment
        return verb.main(arguments: arguments) {
            BuilderContext(configuration: try configuration(builderDirectory: builderDirectory, environment: environment),
                           environment: environment, makeVM: makeVM)
        }
    }
}
