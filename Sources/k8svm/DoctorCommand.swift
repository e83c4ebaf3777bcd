import ArgumentParser
import Foundation
import K8sVMCore
import KubernetesVM

/// `k8svm doctor`: checks that the configured backend can work from here, and says what is missing.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the configuration, the Kubernetes API server and the permissions run needs.",
        discussion: "Exits 1 when something run needs is missing; every finding is one line.")

    @Option(help: "The installed builder directory whose k8svm.yaml applies (default: next to this program's bin/).")
    var builderDirectory: String?

    func run() async throws {
        let directory = builderDirectory ?? BuilderLocation.builderDirectory(invokedAs: CommandLine.arguments[0])
        let environment = ProcessInfo.processInfo.environment
        let configuration = try await reportingErrors {
            try Backends.configuration(builderDirectory: directory, environment: environment)
        }
        print("ok    configuration loads (backend \(configuration.backend))")
        guard configuration.backend == KubernetesVM.name else {
            print("      nothing more to check: only the kubernetes backend talks to a cluster")
            return
        }
        let checks = await KubernetesDoctor(settings: configuration[KubernetesSettings.self], imageBuild: configuration[ImageBuildSettings.self],
                                          environment: environment).run()
        for check in checks {
            print("\(check.warning ? "warn" : check.passed ? "ok  " : "FAIL")  \(check.what)")
        }
        if checks.contains(where: { !$0.passed }) { throw ExitCode(1) }
    }
}
