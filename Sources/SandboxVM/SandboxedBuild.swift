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
        let go: String
        do {
            go = try ChildProcess.resolve(host.settings.goCommand, path: host.environment["PATH"])
        } catch {
            throw K8sVMError("golang packages need Go on this host: \(host.settings.goCommand) was not found in PATH (install Go or set sandbox.goCommand)")
        }
        let goInside = FileTree.resolved(go) ?? go
        guard host.systemPaths.contains(where: { goInside.hasPrefix($0 + "/") }) else {
            throw K8sVMError("\(goInside) is outside the sandbox's system paths (sandbox.systemPaths)")
        }
        let plan = try GoBuild.plan(sourceDirectory: request.sourceDirectory, path: request.metadata.path)
        let scratch = try host.makeDirectory(prefix: "build-")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        // A copy owned by the sandbox uid: the peer's (or a user's) source directory may be unreadable to it.
        try FileTree.copyRegularFiles(from: request.sourceDirectory, to: scratch + "/src")
        for sub in ["out", "cache"] {
            try FileManager.default.createDirectory(atPath: "\(scratch)/\(sub)", withIntermediateDirectories: false)
        }
        try host.handOverTree(scratch)

        func inside(_ path: String) -> String { "/src" + path.dropFirst(request.sourceDirectory.count) }
        var arguments = [goInside, "build", "-trimpath"]
        if let mode = plan.moduleMode { arguments.append("-mod=\(mode)") }
        arguments += ["-o", "/out/chaincode", plan.target]
        let environment = [
            "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "TMPDIR": "/tmp",
            "GOCACHE": "/cache/build", "GOMODCACHE": "/cache/mod", "GOPATH": plan.gopath.map(inside) ?? "/cache/gopath",
            "GO111MODULE": plan.moduleMode == nil ? "off" : "on", "GOPROXY": "off", "GOTOOLCHAIN": "local",
            "CGO_ENABLED": "0", "GOFLAGS": "", "GOTELEMETRY": "off",
        ]
        let spec = SandboxSpec(
            mounts: [.init(host: scratch + "/src", inside: "/src"), .init(host: scratch + "/out", inside: "/out", writable: true),
                     .init(host: scratch + "/cache", inside: "/cache", writable: true)],
            environment: environment, workingDirectory: inside(plan.workingDirectory), limits: SandboxLimits(host.settings),
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
