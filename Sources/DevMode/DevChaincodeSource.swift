import Foundation
import K8sVMCore
import LocalVM

/// What `k8svm dev run PATH` was pointed at, and how it becomes an executable.
public enum DevChaincodeSource: Sendable, Equatable {
    /// A Go module or package directory (`go build`).
    case golang(directory: String)
    /// A Swift package with an executable product (`swift build`).
    case swift(directory: String)
    /// A prebuilt executable, run as it is.
    case binary(executable: String)

    /// Recognises PATH: an executable file; a directory with `Package.swift`; with `go.mod` or `.go` files; or with
    /// an executable named `chaincode`.
    public static func detect(_ path: String) throws -> DevChaincodeSource {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        guard files.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw K8sVMError("\(path) does not exist")
        }
        let absolute = path.hasPrefix("/") ? path : files.currentDirectoryPath + "/" + path
        guard isDirectory.boolValue else {
            guard files.isExecutableFile(atPath: absolute) else {
                throw K8sVMError("\(path) is a file but not executable (give a chaincode directory or an executable)")
            }
            return .binary(executable: absolute)
        }
        let entries = (try? files.contentsOfDirectory(atPath: absolute)) ?? []
        if entries.contains("Package.swift") { return .swift(directory: absolute) }
        if entries.contains("go.mod") || entries.contains(where: { $0.hasSuffix(".go") }) { return .golang(directory: absolute) }
        if files.isExecutableFile(atPath: absolute + "/chaincode") { return .binary(executable: absolute + "/chaincode") }
        throw K8sVMError("\(path): no Package.swift, go.mod, .go files or executable \"chaincode\" — cannot tell how to build it")
    }

    /// The directory whose changes `--watch` follows (nil for a prebuilt executable's own file only).
    public var watchedPath: String {
        switch self {
        case .golang(let directory), .swift(let directory): directory
        case .binary(let executable): executable
        }
    }

    /// True for Go source, which `--debug` starts under `dlv` when it is installed.
    public var isGo: Bool {
        if case .golang = self { true } else { false }
    }

    /// The chaincode name used when none is given: the directory's or executable's name.
    public var defaultName: String {
        let last = watchedPath.split(separator: "/").last.map(String.init) ?? "chaincode"
        if case .binary = self, last == "chaincode" {
            return watchedPath.split(separator: "/").dropLast().last.map(String.init) ?? last
        }
        return last
    }

    /// Builds (or locates) the executable, named by an absolute path.
    public func build(scratchDirectory: String, environment: [String: String]) async throws -> ExecutableBuild {
        switch self {
        case .binary(let executable):
            return ExecutableBuild(executable: executable)
        case .golang(let directory):
            let vm = LocalProcessVM(settings: LocalSettings(), environment: environment)
            let record = try await vm.build(BuildRequest(
                sourceDirectory: directory, metadata: PackageMetadata(type: .golang, label: defaultName, path: "."),
                buildDirectory: scratchDirectory))
            var build = try record.build(ExecutableBuild.self, madeBy: vm.backend)
            build.executable = build.executablePath(inBuildDirectory: scratchDirectory)
            return build
        case .swift(let directory):
            return ExecutableBuild(executable: try await SwiftPackageBuild(directory: directory, environment: environment).run())
        }
    }
}
