import Foundation
#if canImport(Glibc)
import Glibc
#endif
import K8sVMCore
import LocalVM

/// `swift build` of a chaincode package, returning its one executable product; SwiftPM is asked once per build.
///
/// When the package's sources are a target of the package this k8svm was itself built from (the repository's
/// example), that package builds the target, in k8svm's own build directory: its dependencies are compiled already.
struct SwiftPackageBuild {
    let directory: String
    let environment: [String: String]

    func run() async throws -> String {
        if let own = OwnPackageTarget.find(for: directory) {
            try await swift(["build", "--package-path", own.packageRoot, "--product", own.product] + own.configurationArguments)
            return own.binDirectory + "/" + own.product
        }
        try await swift(["build", "--package-path", directory])
        // SwiftPM keeps `.build/debug` pointing at the debug build of the host.
        let binDirectory = directory + "/.build/debug"
        return binDirectory + "/" + (try Self.executableProduct(in: binDirectory, package: directory))
    }

    /// The one executable product a build left in `binDirectory` (each linked product has a `NAME.product`
    /// directory there; an executable's binary is `NAME`), or an error listing them.
    static func executableProduct(in binDirectory: String, package: String) throws -> String {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: binDirectory)) ?? []
        let executables = entries.filter { $0.hasSuffix(".product") }.map { String($0.dropLast(".product".count)) }
            .filter { FileManager.default.isExecutableFile(atPath: binDirectory + "/" + $0) }.sorted()
        guard executables.count == 1 else {
            throw K8sVMError("\(package): expected one executable product, found \(executables.isEmpty ? "none" : executables.joined(separator: ", "))")
        }
        return executables[0]
    }

    /// Runs `swift …` with its output on our stderr, failing with a message naming the step.
    private func swift(_ arguments: [String]) async throws {
        let process = try ChildProcess(.init(executable: "swift", arguments: arguments, environment: environment,
                                             output: .parentStandardError))
        let status = await process.wait()
        guard status == .exited(0) else {
            throw K8sVMError("swift \(arguments.prefix(2).joined(separator: " ")) failed (\(status))")
        }
    }
}

/// An executable target of the package this k8svm was built from (found from the running executable, which SwiftPM
/// put in `ROOT/.build/TRIPLE/CONFIGURATION/`), whose sources lie in a chaincode directory.
struct OwnPackageTarget: Equatable {
    let packageRoot: String
    let product: String
    let binDirectory: String
    let configurationArguments: [String]

    /// The target of k8svm's own package with its sources under `directory`; nil when k8svm was not built by SwiftPM
    /// in a package's default build directory, or `directory` holds no target of that package.
    static func find(for directory: String, executable: String? = FileTree.resolved("/proc/self/exe")) -> OwnPackageTarget? {
        guard let executable, let chaincode = FileTree.resolved(directory),
              let marker = executable.range(of: "/.build/") else { return nil }
        let root = String(executable[..<marker.lowerBound])
        guard chaincode.hasPrefix(root + "/"),
              let manifest = try? String(contentsOfFile: root + "/Package.swift", encoding: .utf8),
              let product = executableTarget(in: manifest, withSourcesUnder: String(chaincode.dropFirst(root.count + 1)))
        else { return nil }
        let binDirectory = (executable as NSString).deletingLastPathComponent
        let configuration = (binDirectory as NSString).lastPathComponent
        return OwnPackageTarget(packageRoot: root, product: product, binDirectory: binDirectory,
                                configurationArguments: configuration == "release" ? ["-c", "release"] : [])
    }

    /// The name of the `.executableTarget` in `manifest` whose `path:` is `directory` or lies under it.
    static func executableTarget(in manifest: String, withSourcesUnder directory: String) -> String? {
        for declaration in manifest.components(separatedBy: ".executableTarget(").dropFirst() {
            // The declaration ends where the next target of any kind begins.
            let body = [".target(", ".testTarget(", ".plugin(", ".binaryTarget(", ".systemLibrary(", ".macro("]
                .reduce(declaration) { $0.components(separatedBy: $1).first ?? $0 }
            guard let name = quoted(after: "name:", in: body), let path = quoted(after: "path:", in: body) else { continue }
            if path == directory || path.hasPrefix(directory + "/") { return name }
        }
        return nil
    }

    /// The string literal that follows `label` in `text`.
    private static func quoted(after label: String, in text: String) -> String? {
        guard let labelRange = text.range(of: label),
              let open = text[labelRange.upperBound...].firstIndex(of: "\""),
              let close = text[text.index(after: open)...].firstIndex(of: "\"") else { return nil }
        return String(text[text.index(after: open)..<close])
    }
}
