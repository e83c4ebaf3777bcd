import Foundation
import ImageBuild
import K8sVMCore
import Testing
import TestSupport
import TestServices

/// Stage 1 through the real Docker engine (a private dockerd, `TestDockerEngine`) with the real ccenv-golang image
/// built from `builder-images/`.
@Suite(.serialized) struct DockerRunnerTests {
    /// A runner whose containers carry a label unique to this test, and what it logs.
    private func runner(_ docker: TestDockerEngine) -> (DockerStageOneRunner, LogSink, String) {
        let run = "k8svm.test/run=\(UUID().uuidString.lowercased())"
        let sink = LogSink()
        let parts = run.split(separator: "=").map(String.init)
        return (DockerStageOneRunner(socketPath: docker.socketPath, labels: [parts[0]: parts[1]], log: sink.sink), sink, run)
    }

    private func job(_ docker: TestDockerEngine, source: String, scratch: Scratch, type: ChaincodeType = .golang,
                     builderImage: String? = nil, timeout: Duration = .seconds(300)) throws -> StageOneJob {
        try StageOneJob(label: "stage1-test", type: type, path: "", sourceDirectory: source,
                        builderImage: builderImage ?? docker.ccenvGolang, timeout: timeout, layerFile: scratch.path + "/layer.tar.gz")
    }

    /// The ccenv-golang image with an entrypoint that sleeps instead of building: a build that never ends.
    private func neverEndingBuilder(_ docker: TestDockerEngine, scratch: Scratch) async throws -> String {
        let image = "k8svm-test/ccenv-never-done:\(docker.ccenvGolang.split(separator: ":").last ?? "latest")"
        if try await !docker.engine.imageExists(image) {
            try scratch.write("FROM \(docker.ccenvGolang)\nENTRYPOINT [\"/bin/sleep\", \"600\"]\n", to: "never-done/Dockerfile")
            try await ShellCommand.run(["/usr/bin/env", "docker", "build", "--network", "none", "-q", "-t", image,
                                        scratch.path + "/never-done"], environment: ["DOCKER_HOST": docker.dockerHost]).check()
        }
        return image
    }

    @Test func aGoPackageBuildsIntoALayerWithTheStaticBinary() async throws {
        let docker = try await TestDockerEngine.shared()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (runner, log, label) = runner(docker)
        let output = try await runner.run(try job(docker, source: try GoSource.write(in: scratch), scratch: scratch))

        #expect(output.file == scratch.path + "/layer.tar.gz")
        #expect(output.digest.value == (try sha256(file: output.file)), "the digest is that of the received bytes")
        #expect(output.size == Int64(try FileManager.default.attributesOfItem(atPath: output.file)[.size] as? Int ?? -1))
        #expect(output.diffID.value == (try await diffID(ofGzip: output.file)), "the diff id is that of the uncompressed tar")
        let layer = try await inspectGoLayer(output, scratch: scratch)
        let entries = layer.entries.split(separator: "\n")
        #expect(entries.contains { $0.hasSuffix(" k8svm/chaincode/chaincode") && $0.hasPrefix("-rwx") }, "\(layer.entries)")
        #expect(entries.allSatisfy { $0.contains(" 1000/1000 ") && $0.contains(" k8svm/chaincode/") },
                "every entry is under k8svm/chaincode/ and owned by 1000: \(layer.entries)")
        #expect(layer.printed.contains("\(GoSource.greeting) [-peer.address=127.0.0.1:7052]"), "\(layer.printed)")
        #expect(layer.ldd.contains("not a dynamic executable"), "static: \(layer.ldd)")
        #expect(log.text.contains("go build"), "the build log was streamed: \(log.text)")
        #expect(!log.text.contains("k8svm-stage1-summary"), "the summary line is read, not logged")
        #expect(try await docker.engine.containers(label: label).isEmpty, "no container is left")

        // The layer on the runtime base: /k8svm/bin/start runs the binary as uid 1000 with the peer address.
        let environment = ["DOCKER_HOST": docker.dockerHost]
        let created = try await ShellCommand.run(["/usr/bin/env", "docker", "create", "--network", "host", "-e",
                                                  "CORE_PEER_ADDRESS=127.0.0.1:7052", docker.runtimeGo], environment: environment)
        try created.check()
        let id = created.output.trimmingCharacters(in: .whitespacesAndNewlines)
        defer { Task { try? await docker.engine.remove(id) } }
        try await ShellCommand.run(["/bin/sh", "-c", "gzip -dc '\(output.file)' | docker cp - \(id):/"], environment: environment).check()
        let started = try await ShellCommand.run(["/usr/bin/env", "docker", "start", "-a", id], environment: environment)
        try started.check()
        #expect(started.output.contains("\(GoSource.greeting) [-peer.address=127.0.0.1:7052]"), "\(started.output)")
    }

    @Test(arguments: [GoPackageLayout.moduleVendored, .gopath, .currentGo])
    func theCcenvImagesGoBuildsThePeerCLIsLayouts(layout: GoPackageLayout) async throws {
        let docker = try await TestDockerEngine.shared()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (runner, log, label) = runner(docker)
        let printed = try await build(layout, as: layout.name, with: runner, builderImage: docker.ccenvGolang, scratch: scratch)
        #expect(printed == "\(layout.printed) [-peer.address=127.0.0.1:7052]\n", "\(printed)\n\(log.text)")
        #expect(try await docker.engine.containers(label: label).isEmpty, "no container is left")
    }

    @Test func aNamedCacheVolumeKeepsGosCachesForTheNextBuild() async throws {
        let docker = try await TestDockerEngine.shared()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let volume = "k8svm-test-cache-" + UUID().uuidString.lowercased().prefix(8)
        let environment = ["DOCKER_HOST": docker.dockerHost]
        defer { _ = Task { try? await ShellCommand.run(["/usr/bin/env", "docker", "volume", "rm", "-f", volume], environment: environment) } }
        let label = "k8svm.test/run=\(UUID().uuidString.lowercased())"
        let parts = label.split(separator: "=").map(String.init)
        let runner = DockerStageOneRunner(socketPath: docker.socketPath, labels: [parts[0]: parts[1]], cacheVolume: volume, log: { _ in })
        for version in ["one", "two"] {
            let layout = GoPackageLayout.moduleImportPath
            let printed = try await build(layout, as: "cached-" + version, with: runner, builderImage: docker.ccenvGolang, scratch: scratch)
            #expect(printed.hasPrefix(layout.printed), "\(printed)")
            let listed = try await ShellCommand.run(["/usr/bin/env", "docker", "run", "--rm", "--network", "none", "--entrypoint",
                                                     "/bin/ls", "-v", "\(volume):/cache", docker.ccenvGolang, "/cache/go/build"],
                                                    environment: environment)
            #expect(listed.status == 0 && !listed.output.isEmpty, "Go's build cache is in the volume after build \(version): \(listed.output)")
        }
        #expect(try await docker.engine.containers(label: label).isEmpty, "no container is left")
    }

    @Test func aCompileErrorFailsWithTheCompilersMessageAndLeavesNoContainer() async throws {
        let docker = try await TestDockerEngine.shared()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (runner, log, label) = runner(docker)
        let broken = GoSource.main.replacingOccurrences(of: "fmt.Println(", with: "fmt.Println(undefinedThing, ")
        let source = try GoSource.write(in: scratch, main: broken)
        let error = try await #require(throws: K8sVMError.self) {
            try await runner.run(try job(docker, source: source, scratch: scratch))
        }
        #expect(error.message.contains("failed") && error.message.contains("undefined: undefinedThing"), "\(error.message)")
        #expect(log.text.contains("undefined: undefinedThing"), "the compiler's output went to the log: \(log.text)")
        #expect(try await docker.engine.containers(label: label).isEmpty, "no container is left")
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/layer.tar.gz"), "no layer")
    }

    @Test func aBuildOverItsTimeIsStoppedAndSaysSo() async throws {
        let docker = try await TestDockerEngine.shared()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (runner, _, label) = runner(docker)
        let builder = try await neverEndingBuilder(docker, scratch: scratch)
        let source = try GoSource.write(in: scratch)
        let started = ContinuousClock.now
        let error = try await #require(throws: K8sVMError.self) {
            try await runner.run(try job(docker, source: source, scratch: scratch, builderImage: builder, timeout: .seconds(2)))
        }
        #expect(error.message.contains("timed out after 2 s"), "\(error.message)")
        #expect(ContinuousClock.now - started < .seconds(20), "stopped at once, not run to its end")
        #expect(try await docker.engine.containers(label: label).isEmpty, "no container is left")
    }

    @Test func aPackageThatIsNotWhatItsTypeSaysStartsNothing() async throws {
        let docker = try await TestDockerEngine.shared()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (runner, log, label) = runner(docker)
        try scratch.write("console.log('not go')\n", to: "source/src/index.js")
        let error = try await #require(throws: K8sVMError.self) {
            try await runner.run(try job(docker, source: scratch.path + "/source", scratch: scratch))
        }
        #expect(error.message.contains("not a golang package") && error.message.contains("go.mod"), "\(error.message)")
        let nodeError = try await #require(throws: K8sVMError.self) {
            try await runner.run(try job(docker, source: try GoSource.write(in: scratch, name: "go"), scratch: scratch, type: .node))
        }
        #expect(nodeError.message.contains("package.json"), "\(nodeError.message)")
        #expect(log.text.isEmpty, "nothing was started: \(log.text)")
        #expect(try await docker.engine.containers(label: label).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/layer.tar.gz"))
    }

    @Test func anEngineThatIsNotThereIsAClearError() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let runner = DockerStageOneRunner(socketPath: scratch.path + "/no-docker.sock", log: { _ in })
        let job = try StageOneJob(label: "stage1-test", type: .golang, path: "", sourceDirectory: try GoSource.write(in: scratch),
                              builderImage: "k8svm/ccenv-golang:none", timeout: .seconds(60), layerFile: scratch.path + "/layer.tar.gz")
        let error = try await #require(throws: K8sVMError.self) { try await runner.run(job) }
        #expect(error.message.contains("cannot reach the Docker engine at \(scratch.path)/no-docker.sock"), "\(error.message)")
    }
}
