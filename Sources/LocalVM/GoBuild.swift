import Foundation
import K8sVMCore

/// `build` for a `golang` package with the host's Go toolchain (`local.goCommand`), as `GoBuildPlan` decides.
public struct GoBuild {
    let request: BuildRequest
    let settings: LocalSettings
    let environment: [String: String]

    func run() async throws -> ExecutableBuild {
        let plan = try GoBuildPlan.decide(sourceDirectory: request.sourceDirectory, path: request.metadata.path)
        let go = try await GoToolchain.find(settings.goCommand, environment: environment, setting: "local.goCommand")
        try go.check(plan, setting: "local.goCommand")
        let output = request.buildDirectory + "/" + BinaryBuild.outputName
        let arguments = plan.buildArguments(output: output)

        var env = environment
        let cache = settings.goCache.isEmpty ? (environment["TMPDIR"] ?? "/tmp") + "/k8svm-go" : settings.goCache
        env["GOCACHE"] = env["GOCACHE"] ?? cache + "/build"
        env["GOMODCACHE"] = env["GOMODCACHE"] ?? cache + "/mod"
        env["CGO_ENABLED"] = env["CGO_ENABLED"] ?? "0"
        env["GOPATH"] = env["GOPATH"] ?? cache + "/gopath"
        for (name, value) in plan.environment(sourceDirectory: request.sourceDirectory) { env[name] = value }
        if env["HOME"] == nil { env["HOME"] = cache }

        let directory = plan.directory == "." ? request.sourceDirectory : request.sourceDirectory + "/" + plan.directory
        K8sVMLog.line("k8svm: go \(arguments.joined(separator: " ")) (in \(directory), \(go.version))")
        let process = try ChildProcess(.init(executable: go.command, arguments: arguments, environment: env,
                                             workingDirectory: directory))
        let status = await process.wait(timeout: settings.buildTimeout)
        guard let status else {
            try? FileManager.default.removeItem(atPath: output)
            throw K8sVMError("go build did not finish within local.buildTimeout (\(settings.buildTimeout.configValue)) and was stopped")
        }
        guard status == .exited(0) else {
            try? FileManager.default.removeItem(atPath: output)
            let hint = plan.downloadHint(goproxy: env["GOPROXY"]).map { "; " + $0 } ?? ""
            throw K8sVMError("go build failed (\(status)); its output is above\(hint)")
        }
        return ExecutableBuild(executable: BinaryBuild.outputName)
    }
}
