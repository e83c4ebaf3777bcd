import Foundation
import ImageBuild
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A private Docker engine for the test process, never the system's: its own `dockerd` with its own socket,
/// exec root and pidfile in a temporary directory, no bridge and no iptables (containers use the host network), and
/// its data root in `<package>/.build/k8svm-test-docker` so images survive between runs. Started once per process on
/// first use (`shared()`), it prepares the images the tests need with the project's own scripts
/// (`builder-images/make-base.sh` once, then `builder-images/build.sh` for `ccenv-golang` and `runtime-go`, and for
/// another language's images when a test asks for them (`builderImage(_:)`), tagged
/// with a hash of `builder-images/`, so a changed Dockerfile or script gives a new image and an unchanged one is
/// reused), and is stopped by PID when the process exits. Needs root and `dockerd` (docker.io) and `debootstrap`.
public final class TestDockerEngine: Sendable {
    /// The engine's socket.
    public let socketPath: String
    /// `DOCKER_HOST` for the docker CLI and the scripts.
    public var dockerHost: String { "unix://" + socketPath }
    /// A client of the engine.
    public let engine: DockerEngine
    /// The Debian base image made by make-base.sh.
    public let baseImage: String
    /// The stage-1 Go build image and the stage-2 Go runtime base, built from `builder-images/`.
    public let ccenvGolang: String
    public let runtimeGo: String
    /// The repository's root directory.
    public let packageRoot: String
    /// The tag of the images built from `builder-images/` (`test-` and the hash of its files).
    public let imageVersion: String

    private init(socketPath: String, baseImage: String, imageVersion: String, packageRoot: String) {
        self.socketPath = socketPath
        engine = DockerEngine(socketPath: socketPath)
        self.baseImage = baseImage
        self.imageVersion = imageVersion
        ccenvGolang = "k8svm/ccenv-golang:\(imageVersion)"
        runtimeGo = "k8svm/runtime-go:\(imageVersion)"
        self.packageRoot = packageRoot
    }

    /// `k8svm/NAME:imageVersion` of another builder image (`ccenv-node`, `runtime-node`, …), built with
    /// `builder-images/build.sh` on first use, for the tests of that language only.
    public func builderImage(_ name: String) async throws -> String {
        let image = "k8svm/\(name):\(imageVersion)"
        if try await !engine.imageExists(image) {
            try await ShellCommand.run([packageRoot + "/builder-images/build.sh", "-", baseImage],
                                       environment: ["DOCKER_HOST": dockerHost, "K8SVM_IMAGE_VERSION": imageVersion,
                                                     "K8SVM_IMAGES": name]).check()
        }
        return image
    }

    private static let instance = Task<TestDockerEngine, any Error> { try await start() }

    /// The engine of this test process, started and prepared on first use.
    public static func shared() async throws -> TestDockerEngine {
        try await instance.value
    }

    /// The running dockerd and its temporary directory, for the exit handler.
    private static let running = Mutex<(pid: pid_t, directory: String)?>(nil)

    /// The repository root: this file is `Tests/TestServices/TestDockerEngine.swift`.
    public static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    private static func start() async throws -> TestDockerEngine {
        guard geteuid() == 0 else { throw TestServiceError("the Docker tests start a private dockerd and need root") }
        guard let dockerd = ["/usr/sbin/dockerd", "/usr/bin/dockerd"].first(where: FileManager.default.isExecutableFile) else {
            throw TestServiceError("dockerd not found: install docker.io (scripts/install-deps.sh)")
        }
        let root = repositoryRoot
        let dataRoot = root + "/.build/k8svm-test-docker"
        try FileManager.default.createDirectory(atPath: dataRoot, withIntermediateDirectories: true)
        stopLeftover(pidRecord: dataRoot + ".pid")
        var template = Array("/tmp/k8svm-dockerd.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw TestServiceError("cannot make a temporary directory for dockerd") }
        let directory = String(cString: made)
        let socket = directory + "/docker.sock"

        let process = Process()
        process.executableURL = URL(fileURLWithPath: dockerd)
        process.arguments = ["--host", "unix://" + socket, "--data-root", dataRoot, "--exec-root", directory + "/exec",
                             "--pidfile", directory + "/docker.pid", "--bridge=none", "--iptables=false", "--ip-masq=false"]
        _ = FileManager.default.createFile(atPath: directory + "/dockerd.log", contents: nil)
        let log = FileHandle(forWritingAtPath: directory + "/dockerd.log")
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        running.withLock { $0 = (pid, directory) }
        try? String(pid).write(toFile: dataRoot + ".pid", atomically: true, encoding: .utf8)
        atexit { TestDockerEngine.stopAtExit() }

        let engine = DockerEngine(socketPath: socket)
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            do {
                try await engine.ping()
                break
            } catch {
                guard process.isRunning, ContinuousClock.now < deadline else {
                    let tail = (try? String(contentsOfFile: directory + "/dockerd.log", encoding: .utf8))?.suffix(1000) ?? ""
                    throw TestServiceError("the test dockerd did not answer /_ping (\(error)):\n\(tail)")
                }
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        let environment = ["DOCKER_HOST": "unix://" + socket]
        let base = "k8svm-test/debian-base:bookworm"
        if try await !engine.imageExists(base) {
            try await ShellCommand.run([root + "/builder-images/make-base.sh", base], environment: environment).check()
        }
        // ccenv-golang carries the host's current Go (scripts/install-deps.sh), so its release is part of the version.
        let goRoot = try await ShellCommand.run(["/usr/bin/env", "go", "env", "GOROOT"])
        try goRoot.check()
        let toolchain = goRoot.output.trimmingCharacters(in: .whitespacesAndNewlines)
        let version = "test-" + (try await builderImagesHash(root, toolchain: toolchain))
        let ccenv = "k8svm/ccenv-golang:\(version)", runtime = "k8svm/runtime-go:\(version)"
        var missing: [String] = []
        if try await !engine.imageExists(ccenv) { missing.append("ccenv-golang") }
        if try await !engine.imageExists(runtime) { missing.append("runtime-go") }
        if !missing.isEmpty {
            try await ShellCommand.run([root + "/builder-images/build.sh", "-", base],
                                       environment: environment.merging(["K8SVM_IMAGE_VERSION": version, "K8SVM_GO_TOOLCHAIN": toolchain,
                                                                         "K8SVM_IMAGES": missing.joined(separator: " ")]) { $1 }).check()
            // The images of earlier versions of builder-images/ would pile up in the cache.
            let listed = try await ShellCommand.run(["/usr/bin/env", "docker", "images", "--format", "{{.Repository}}:{{.Tag}}",
                                                     "--filter", "reference=k8svm/*:test-*"], environment: environment)
            let stale = listed.output.split(separator: "\n").map(String.init).filter { !$0.hasSuffix(":" + version) }
            if !stale.isEmpty { _ = try await ShellCommand.run(["/usr/bin/env", "docker", "rmi"] + stale, environment: environment) }
        }
        return TestDockerEngine(socketPath: socket, baseImage: base, imageVersion: version, packageRoot: root)
    }

    /// The first 12 hex digits of a hash over the files of `builder-images/` but its documentation (paths and contents)
    /// and the Go toolchain's release.
    private static func builderImagesHash(_ root: String, toolchain: String) async throws -> String {
        let result = try await ShellCommand.run(["/bin/sh", "-c", "{ cd '\(root)/builder-images' && find . -type f ! -name '*.md' | LC_ALL=C sort | xargs sha256sum; cat '\(toolchain)/VERSION'; } | sha256sum"])
        try result.check()
        return String(result.output.prefix(12))
    }

    /// A dockerd an earlier test process started on the same data root and could not stop (it was killed): stopped,
    /// or it would hold the data root.
    private static func stopLeftover(pidRecord: String) {
        guard let text = try? String(contentsOfFile: pidRecord, encoding: .utf8), let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)),
              let command = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8),
              command.contains("dockerd"), command.contains(pidRecord.dropLast(".pid".count)) else { return }
        stop(pid)
    }

    private static func stopAtExit() {
        guard let (pid, directory) = running.withLock({ $0 }) else { return }
        stop(pid)
        // dockerd leaves its network namespace handle (`exec/netns/default`) mounted.
        let mounts = (try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)) ?? ""
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count > 1, fields[1].hasPrefix(directory + "/") { umount2(String(fields[1]), Int32(MNT_DETACH)) }
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// SIGTERM, up to 15 s for dockerd to stop its containers and containerd, then SIGKILL.
    private static func stop(_ pid: pid_t) {
        kill(pid, SIGTERM)
        for _ in 0..<150 {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid || kill(pid, 0) != 0 { return }
            usleep(100_000)
        }
        kill(pid, SIGKILL)
    }
}


/// A command run to its end, its stdout and stderr together in `output`.
public struct ShellCommand: Sendable {
    public let command: [String]
    public let status: Int32
    public let output: String

    /// Runs `command` (an absolute path first) with this process's environment plus `environment`.
    public static func run(_ command: [String], environment: [String: String] = [:]) async throws -> ShellCommand {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("k8svm-command-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: file) }
        let handle = try FileHandle(forWritingTo: file)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        try? handle.close()
        return ShellCommand(command: command, status: status, output: (try? String(contentsOf: file, encoding: .utf8)) ?? "")
    }

    /// Throws unless the command exited 0, with its output's tail.
    public func check() throws {
        guard status == 0 else {
            throw TestServiceError("\(command.joined(separator: " ")) exited \(status):\n\(output.suffix(3000))")
        }
    }
}
