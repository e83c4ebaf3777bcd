import Foundation
import K8sVMCore
import LocalVM
#if canImport(Glibc)
import Glibc
#endif

/// The build step of a sandboxed run. Building untrusted code is untrusted too: a `golang` package is compiled by
/// the host's Go inside a sandbox like the chaincode's (no network, the limits on, the source read-only, writing only
/// to the output directory and its own cache); a `binary` package is only checked and copied, which runs nothing.
public struct SandboxedBuild: Sendable {
    public let host: SandboxHost
    public let log: RunLog

    public init(host: SandboxHost, log: RunLog) {
        self.host = host
        self.log = log
    }

    /// Builds `request` into `request.buildDirectory` (created if missing) and returns what `start` needs.
    public func run(_ request: BuildRequest) async throws -> ExecutableBuild {
        switch request.metadata.type {
        case .binary:
            return try binary(request)
        case .golang:
            return try await goBuild(request)
        case .node, .java, .image:
            throw K8sVMError("sandboxed runs cannot build \(request.metadata.type.rawValue) packages (they build: golang, binary)")
        }
    }

    /// The executable at the package's root (`chaincode`, or metadata.json `executable`), placed in the build
    /// directory; links leading out of the package and special files are refused.
    private func binary(_ request: BuildRequest) throws -> ExecutableBuild {
        let source = try BinaryBuild.executable(of: request).path
        try FileManager.default.createDirectory(atPath: request.buildDirectory, withIntermediateDirectories: true)
        try ExecutablePlacement.place(source, at: request.buildDirectory + "/chaincode")
        return ExecutableBuild(executable: "chaincode", arguments: request.metadata.arguments ?? ShimEnvironment.goStartArguments)
    }

    private func goBuild(_ request: BuildRequest) async throws -> ExecutableBuild {
        let plan = try GoBuildPlan.decide(sourceDirectory: request.sourceDirectory, path: request.metadata.path)
        let toolchain = try await GoToolchain.find(host.settings.goCommand, environment: host.environment, setting: "sandbox.goCommand")
        try toolchain.check(plan, setting: "sandbox.goCommand")
        let go = toolchain.command
        let goInside = FileTree.resolved(go) ?? go
        guard host.systemPaths.contains(where: { goInside.hasPrefix($0 + "/") }) else {
            throw K8sVMError("\(goInside) is outside the sandbox's system paths (sandbox.systemPaths)")
        }
        let scratch = try host.makeDirectory(prefix: "build-")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        // A copy owned by the sandbox uid: the peer's (or a user's) source directory may be unreadable to it.
        try FileTree.copyRegularFiles(from: request.sourceDirectory, to: scratch + "/src")
        for sub in ["out", "cache"] {
            try FileManager.default.createDirectory(atPath: "\(scratch)/\(sub)", withIntermediateDirectories: false)
        }
        try host.handOverTree(scratch)

        let arguments = [goInside] + plan.buildArguments(output: "/out/chaincode")
        var environment = [
            "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "TMPDIR": "/tmp",
            "GOCACHE": "/cache/build", "GOMODCACHE": "/cache/mod", "GOPATH": "/cache/gopath", "GOPROXY": "off",
            "GOTOOLCHAIN": "local", "CGO_ENABLED": "0", "GOFLAGS": "", "GOTELEMETRY": "off",
        ]
        for (name, value) in plan.environment(sourceDirectory: "/src") { environment[name] = value }
        let spec = SandboxSpec(
            mounts: [.init(host: scratch + "/src", inside: "/src"), .init(host: scratch + "/out", inside: "/out", writable: true),
                     .init(host: scratch + "/cache", inside: "/cache", writable: true)],
            environment: environment, workingDirectory: plan.directory == "." ? "/src" : "/src/" + plan.directory, limits: SandboxLimits(host.settings),
            command: arguments)
        log.note("go \(arguments.dropFirst().joined(separator: " ")) (sandboxed, no network)")
        let process = try SandboxedProcess(spec: spec, host: host, log: log, logLimit: host.settings.logBytes)
        let end = await process.wait(timeout: host.settings.buildTimeout)
        guard end.status == .exited(0) else {
            throw K8sVMError("go build failed: \(end.message)")
        }
        try FileManager.default.createDirectory(atPath: request.buildDirectory, withIntermediateDirectories: true)
        try ExecutablePlacement.place("\(scratch)/out/chaincode", at: "\(request.buildDirectory)/chaincode")
        return ExecutableBuild(executable: "chaincode")
    }
}
