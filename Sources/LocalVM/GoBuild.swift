import Foundation
import K8sVMCore

/// `build` for a `golang` package with the host's Go toolchain, following the peer's own layout rules:
/// the code sits under `src/`; the module root is `src/` or `src/<path>`; a `vendor/` directory means `-mod=vendor`;
/// without any `go.mod` the package is built in GOPATH mode.
public struct GoBuild {
    let request: BuildRequest
    let settings: LocalSettings
    let environment: [String: String]

    /// How `go build` is invoked for one package layout.
    public struct Plan: Equatable {
        public var workingDirectory: String
        public var target: String
        public var moduleMode: String?
        public var gopath: String?
    }

    func run() async throws -> ExecutableBuild {
        let goCommand: String
        do {
            goCommand = try ChildProcess.resolve(settings.goCommand, path: environment["PATH"])
        } catch {
            throw K8sVMError("golang packages need Go on this host for the local backend: \(settings.goCommand) was not found in PATH (install Go or set local.goCommand)")
        }
        let plan = try Self.plan(sourceDirectory: request.sourceDirectory, path: request.metadata.path)
        let output = request.buildDirectory + "/" + BinaryBuild.outputName
        var arguments = ["build", "-trimpath"]
        if let mode = plan.moduleMode { arguments.append("-mod=\(mode)") }
        arguments += ["-o", output, plan.target]

        var env = environment
        let cache = settings.goCache.isEmpty ? (environment["TMPDIR"] ?? "/tmp") + "/k8svm-go" : settings.goCache
        env["GOCACHE"] = env["GOCACHE"] ?? cache + "/build"
        env["GOMODCACHE"] = env["GOMODCACHE"] ?? cache + "/mod"
        env["CGO_ENABLED"] = env["CGO_ENABLED"] ?? "0"
        env["GO111MODULE"] = plan.moduleMode == nil ? "off" : "on"
        env["GOPATH"] = plan.gopath ?? env["GOPATH"] ?? cache + "/gopath"
        if env["HOME"] == nil { env["HOME"] = cache }

        K8sVMLog.line("k8svm: go \(arguments.joined(separator: " ")) (in \(plan.workingDirectory))")
        let process = try ChildProcess(.init(executable: goCommand, arguments: arguments, environment: env,
                                             workingDirectory: plan.workingDirectory))
        let status = await process.wait(timeout: settings.buildTimeout)
        guard let status else {
            try? FileManager.default.removeItem(atPath: output)
            throw K8sVMError("go build did not finish within local.buildTimeout (\(settings.buildTimeout.configValue)) and was stopped")
        }
        guard status == .exited(0) else {
            try? FileManager.default.removeItem(atPath: output)
            throw K8sVMError("go build failed (\(status)); its output is above")
        }
        return ExecutableBuild(executable: BinaryBuild.outputName)
    }

    /// Chooses where and how to run `go build`, or says why the package is not Go source.
    public static func plan(sourceDirectory: String, path rawPath: String) throws -> Plan {
        let files = FileManager.default
        let path = rawPath.isEmpty ? "." : rawPath
        let src = sourceDirectory + "/src"
        let packageDirectory = src + "/" + path
        func exists(_ file: String) -> Bool { files.fileExists(atPath: file) }
        if exists(src + "/go.mod") {
            return Plan(workingDirectory: src, target: path == "." ? "." : "./" + path,
                        moduleMode: exists(src + "/vendor") ? "vendor" : "readonly")
        }
        if exists(packageDirectory + "/go.mod") {
            return Plan(workingDirectory: packageDirectory, target: ".",
                        moduleMode: exists(packageDirectory + "/vendor") ? "vendor" : "readonly")
        }
        if exists(sourceDirectory + "/go.mod") {
            return Plan(workingDirectory: sourceDirectory, target: path == "." ? "." : "./" + path,
                        moduleMode: exists(sourceDirectory + "/vendor") ? "vendor" : "readonly")
        }
        var isDirectory: ObjCBool = false
        guard path != ".", files.fileExists(atPath: packageDirectory, isDirectory: &isDirectory), isDirectory.boolValue,
              (try? files.contentsOfDirectory(atPath: packageDirectory))?.contains(where: { $0.hasSuffix(".go") }) == true
        else {
            throw K8sVMError("not a Go package: no go.mod in src/ or src/\(path), and no .go files at src/\(path) for a GOPATH build")
        }
        return Plan(workingDirectory: src, target: path, moduleMode: nil, gopath: sourceDirectory)
    }
}
