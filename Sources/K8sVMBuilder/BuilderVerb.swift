import Foundation
import K8sVMCore

/// The four programs of Fabric's external-builder contract, each with the peer's exact argv.
///
/// | verb | argv | exit 0 means |
/// |---|---|---|
/// | `detect` | `SRC_DIR METADATA_DIR` | this builder claims the package |
/// | `build` | `SRC_DIR METADATA_DIR BUILD_DIR` | BUILD_DIR holds a build |
/// | `release` | `BUILD_DIR RELEASE_DIR` | RELEASE_DIR holds what the ledger needs (CouchDB indexes) |
/// | `run` | `BUILD_DIR RUN_METADATA_DIR` | the chaincode ended with 0; otherwise its exit code |
public enum BuilderVerb: String, CaseIterable, Sendable {
    case detect, build, release, run

    /// The names of the arguments the peer passes, in order.
    public var argumentNames: [String] {
        switch self {
        case .detect: ["SRC_DIR", "METADATA_DIR"]
        case .build: ["SRC_DIR", "METADATA_DIR", "BUILD_DIR"]
        case .release: ["BUILD_DIR", "RELEASE_DIR"]
        case .run: ["BUILD_DIR", "RUN_METADATA_DIR"]
        }
    }

    public var usage: String { "\(rawValue) \(argumentNames.joined(separator: " "))" }

    /// Runs the verb and returns the process exit code; every failure is one line on stderr.
    ///
    /// `makeContext` reads the configuration and names the VM; it runs once the arguments are checked, and its
    /// errors are the verb's. Synchronous on purpose: `detect` and `release` never start the concurrency runtime.
    public func main(arguments: [String], makeContext: () throws -> BuilderContext) -> Int32 {
        do {
            let directories = try checkedDirectories(arguments)
            let context = try makeContext()
            switch self {
            case .detect:
                return try Detect(context: context).run(sourceDirectory: directories[0], metadataDirectory: directories[1])
            case .build:
                try BlockingTask.run {
                    try await Build(context: context).run(
                        sourceDirectory: directories[0], metadataDirectory: directories[1], buildDirectory: directories[2])
                }
            case .release:
                try Release().run(buildDirectory: directories[0], releaseDirectory: directories[1])
            case .run:
                TerminationSignals.shared.install()
                return try BlockingTask.run {
                    try await Run(context: context).run(buildDirectory: directories[0], runMetadataDirectory: directories[1])
                }
            }
            return 0
        } catch let error as K8sVMError {
            K8sVMLog.line("k8svm \(rawValue): \(error.message)")
            return error.exitCode
        } catch {
            K8sVMLog.line("k8svm \(rawValue): \(error)")
            return 1
        }
    }

    /// The arguments, after checking there are exactly as many as the peer passes and each is a directory.
    private func checkedDirectories(_ arguments: [String]) throws -> [String] {
        guard arguments.count == argumentNames.count else {
            let problem = arguments.count < argumentNames.count
                ? "missing \(argumentNames[arguments.count...].joined(separator: " "))"
                : "unexpected extra argument \"\(arguments[argumentNames.count])\""
            throw K8sVMError.usage("\(problem) (usage: \(usage))")
        }
        for (name, path) in zip(argumentNames, arguments) {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw K8sVMError("\(name) \(path) does not exist")
            }
            guard isDirectory.boolValue else { throw K8sVMError("\(name) \(path) is not a directory") }
        }
        let workingDirectory = FileManager.default.currentDirectoryPath
        return arguments.map { $0.hasPrefix("/") ? $0 : workingDirectory + "/" + $0 }
    }
}
