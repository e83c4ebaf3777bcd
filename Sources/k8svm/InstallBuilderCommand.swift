import ArgumentParser
import Foundation
import K8sVMBuilder
import K8sVMCore

/// `k8svm install-builder DIR`: lays out an external builder a peer can name in `core.yaml`.
struct InstallBuilderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install-builder",
        abstract: "Install k8svm as a Fabric external builder in DIR.",
        discussion: """
            Creates DIR/bin/k8svm (a copy of this program), DIR/bin/{detect,build,release,run} (links to it) and \
            DIR/k8svm.yaml (commented configuration). Name DIR in core.yaml chaincode.externalBuilders.
            """
    )

    @Argument(help: "The builder directory to create or update.") var directory: String
    @Option(help: "\(Backends.names.joined(separator: ", ")).") var backend: String = Backends.names[0]
    @Flag(help: "Replace an existing bin/ and k8svm.yaml.") var force = false

    func run() async throws {
        try await reportingErrors {
            guard let chosen = Backends.names.first(where: { $0 == backend.lowercased() }) else {
                throw K8sVMError("--backend \"\(backend)\" is not one of: \(Backends.names.joined(separator: ", "))")
            }
            try BuilderInstallation(directory: directory, backend: chosen, force: force)
                .install(executable: try BuilderLocation.executablePath())
            print("installed k8svm external builder in \(directory) (backend: \(chosen))")
        }
    }
}

/// The files of an installed builder, created all together or not at all.
struct BuilderInstallation {
    let directory: String
    let backend: String
    let force: Bool

    func install(executable: String) throws {
        let files = FileManager.default
        let bin = directory + "/bin", config = directory + "/k8svm.yaml"
        if !force, files.fileExists(atPath: bin) || files.fileExists(atPath: config) {
            throw K8sVMError("\(directory) already holds a builder (bin/ or k8svm.yaml); use --force to replace it")
        }
        let createdRoot = !files.fileExists(atPath: directory)
        do {
            try files.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try? files.removeItem(atPath: bin)
            try files.createDirectory(atPath: bin, withIntermediateDirectories: false)
            try files.copyItem(atPath: executable, toPath: bin + "/k8svm")
            for verb in BuilderVerb.allCases {
                try files.createSymbolicLink(atPath: bin + "/" + verb.rawValue, withDestinationPath: "k8svm")
            }
            try? files.removeItem(atPath: config)
            try Data(Backends.defaultConfiguration().commentedTemplate(backend: backend).utf8).write(to: URL(fileURLWithPath: config))
        } catch {
            try? files.removeItem(atPath: createdRoot ? directory : bin)
            if createdRoot == false { try? files.removeItem(atPath: config) }
            throw K8sVMError("cannot install into \(directory): \(error.localizedDescription)", cause: error)
        }
    }
}
