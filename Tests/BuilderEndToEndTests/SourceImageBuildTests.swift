import FakeKubeAPIServer
import Foundation
import K8sVMCore
import KubernetesClient
import Testing
import TestServices
import TestSupport

/// `build` of a Go source package on the kubernetes backend, for real: the compile runs in the ccenv image (in the
/// test's private Docker engine, or as a Job on the fake API server whose kubelet runs the same stage-1 script), the
/// output layer is laid onto the runtime base and pushed to a real registry (docker-registry), and the image is
/// pulled back by digest and run.
@Suite(.serialized) struct SourceImageBuildTests {
    /// A registry holding the runtime base, the ccenv image in the Docker engine under the configured name, and a
    /// builder configured to build into the registry.
    struct Setup {
        let workspace: Workspace
        let docker: TestDockerEngine
        let registry: TestRegistry
        let builder: InstalledBuilder
        let environment: [String: String]
        var repository: String { registry.address + "/chaincode" }

        init(runner: String = "docker", registryOverride: String? = nil, builderImages: String? = nil,
             extraConfig: String = "") async throws {
            workspace = try Workspace()
            docker = try await TestDockerEngine.shared()
            registry = try TestRegistry()
            environment = ["DOCKER_HOST": docker.dockerHost]
            let prefix = registry.address + "/k8svm"
            for (local, name) in [(docker.runtimeGo, "runtime-go"), (docker.ccenvGolang, "ccenv-golang")] {
                try await ShellCommand.run(["/usr/bin/docker", "tag", local, "\(prefix)/\(name):\(K8sVMVersion.current)"],
                                           environment: environment).check()
            }
            // Stage 2 needs the runtime base in the registry; the Docker runner takes the ccenv image from the engine.
            try await ShellCommand.run(["/usr/bin/docker", "push", "-q", "\(prefix)/runtime-go:\(K8sVMVersion.current)"],
                                       environment: environment).check()
            builder = try await InstalledBuilder(workspace: workspace, config: """
                backend: kubernetes
                build:
                  registry: \(registryOverride ?? registry.address + "/chaincode")
                  builderImages: \(builderImages ?? prefix)
                  runner: \(runner)
                  dockerSocket: \(docker.socketPath)
                  timeout: 120s
                \(extraConfig)
                """)
        }

        /// The Go fixture (or `files` instead) packaged as a golang package and laid out as the peer does.
        func package(_ files: [String: String]? = nil, named name: String = "pkg") async throws -> String {
            let source = workspace.path("\(name)-source")
            try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
            let contents = try files ?? Dictionary(uniqueKeysWithValues: ["go.mod", "main.go"].map {
                ($0, try String(contentsOfFile: Fixtures.directory + "/go-hello/" + $0, encoding: .utf8))
            })
            for (file, text) in contents { try text.write(toFile: source + "/" + file, atomically: true, encoding: .utf8) }
            return try await builder.installPackage(from: source, label: "hello_1.0", type: "golang", named: name)
        }

        /// Another language's ccenv image (in the engine, under the configured name) and runtime base (pushed).
        func provide(ccenv: String, runtime: String) async throws {
            let prefix = registry.address + "/k8svm"
            for name in [ccenv, runtime] {
                try await ShellCommand.run(["/usr/bin/docker", "tag", try await docker.builderImage(name),
                                            "\(prefix)/\(name):\(K8sVMVersion.current)"], environment: environment).check()
            }
            try await ShellCommand.run(["/usr/bin/docker", "push", "-q", "\(prefix)/\(runtime):\(K8sVMVersion.current)"],
                                       environment: environment).check()
        }

        /// The image `build` recorded in `context`, pulled back from the registry by digest and run (no network) with
        /// the peer address the shims read; its output.
        func runImage(builtIn context: String, peerAddress: String) async throws -> String {
            let image = try SourceImageBuildTests.image(in: context)
            try await ShellCommand.run(["/usr/bin/docker", "pull", "-q", image.pinned], environment: environment).check()
            let ran = try await ShellCommand.run(["/usr/bin/docker", "run", "--rm", "--network", "none", "-e",
                                                  "CORE_PEER_ADDRESS=\(peerAddress)", image.pinned], environment: environment)
            try ran.check()
            return ran.output
        }

        func build(_ context: String) async throws -> TestProcessResult {
            try await builder.verb("build", ["\(context)/src", "\(context)/metadata", "\(context)/bld"])
        }

        /// Build containers the Docker engine created since `since` (a Unix time).
        func containersCreated(since: Int) async throws -> Int {
            let events = try await ShellCommand.run(
                ["/usr/bin/docker", "events", "--since", String(since), "--until", String(Int(Date().timeIntervalSince1970) + 1),
                 "--filter", "type=container", "--filter", "event=create", "--filter", "label=k8svm.io/stage1",
                 "--format", "{{.ID}}"], environment: environment)
            try events.check()
            return events.output.split(separator: "\n").count
        }

        /// Build containers that still exist.
        func buildContainers() async throws -> [String] {
            let listed = try await ShellCommand.run(["/usr/bin/docker", "ps", "-a", "-q", "--filter", "label=k8svm.io/stage1"],
                                                    environment: environment)
            try listed.check()
            return listed.output.split(separator: "\n").map(String.init)
        }

        func finish() {
            registry.stop()
            workspace.remove()
        }
    }

    static func image(in context: String) throws -> ImageReference {
        try ImageReference.load(fromDirectory: context + "/bld")
    }

    @Test func aGoPackageBecomesAPushedImageThatRunsAndTheSecondBuildIsACacheHit() async throws {
        let setup = try await Setup()
        defer { setup.finish() }
        let context = try await setup.package()
        let detected = try await setup.builder.verb("detect", ["\(context)/src", "\(context)/metadata"])
        #expect(detected.status == 0, "the kubernetes backend with a registry claims golang packages: \(detected)")

        let started = Int(Date().timeIntervalSince1970)
        let built = try await setup.build(context)
        #expect(built.status == 0, "\(built)")
        let image = try Self.image(in: context)
        #expect(image.name == setup.repository)
        #expect(try await setup.containersCreated(since: started) == 1, "one stage-1 container")
        #expect(try await setup.buildContainers().isEmpty, "the build container is removed")

        // The image, pulled back by digest from the registry, runs the binary through the runtime's start script.
        let ran = try await setup.runImage(builtIn: context, peerAddress: "peer0.org1.example.com:7052")
        #expect(ran.contains("hello from chaincode: args [-peer.address=peer0.org1.example.com:7052], uid 1000"), "\(ran)")
        let labels = try await ShellCommand.run(["/usr/bin/docker", "image", "inspect", "--format",
                                                 "{{index .Config.Labels \"org.hyperledger.fabric.chaincode.label\"}}", image.pinned],
                                                environment: setup.environment)
        #expect(labels.output.trimmingCharacters(in: .whitespacesAndNewlines) == "hello_1.0")

        // The same package on a second peer: found in the registry, nothing compiled or pushed.
        let again = try await setup.package(named: "pkg2")
        let pushesBefore = setup.registry.requests.filter { $0.hasPrefix("PUT ") }.count
        let secondStart = Int(Date().timeIntervalSince1970)
        let rebuilt = try await setup.build(again)
        #expect(rebuilt.status == 0, "\(rebuilt)")
        #expect(rebuilt.stderr.contains("already in the registry"), "\(rebuilt)")
        #expect(try Self.image(in: again) == image)
        #expect(try await setup.containersCreated(since: secondStart) == 0, "a cache hit starts no container")
        #expect(setup.registry.requests.filter { $0.hasPrefix("PUT ") }.count == pushesBefore, "a cache hit pushes nothing")
    }

    /// A Node package as `peer lifecycle chaincode package --lang node` writes it, with a dependency npm installs
    /// offline (a `file:` one): built as Fabric's nodeenv builds it, started with `npm start -- --peer.address`.
    @Test func aNodePackageIsBuiltAndStartedAsFabricsNodePlatformDoes() async throws {
        let setup = try await Setup()
        defer { setup.finish() }
        try await setup.provide(ccenv: "ccenv-node", runtime: "runtime-node")
        let files = [
            "package.json": #"{"name":"greeter","version":"1.0.0","scripts":{"start":"node index.js"},"dependencies":{"greeting":"file:greeting"}}"#,
            "index.js": "const greeting = require('greeting');\nconsole.log(`${greeting()}: args ${process.argv.slice(2).join(' ')}, uid ${process.getuid()}, in ${process.cwd()}`);\n",
            "greeting/package.json": #"{"name":"greeting","version":"1.0.0","main":"index.js"}"#,
            "greeting/index.js": "module.exports = () => 'hello from node chaincode';\n",
        ]
        let source = setup.workspace.path("node-source")
        for (name, text) in files {
            try FileManager.default.createDirectory(atPath: source + "/" + (name as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try text.write(toFile: source + "/" + name, atomically: true, encoding: .utf8)
        }
        let context = try await setup.builder.installPackage(from: source, label: "greeter_1.0", type: "node")
        let built = try await setup.build(context)
        #expect(built.status == 0, "\(built)")
        #expect(built.stderr.contains("npm install --omit=dev (in src"), "the plan chose npm install in src/: \(built.stderr)")
        let ran = try await setup.runImage(builtIn: context, peerAddress: "peer0.org1.example.com:7052")
        #expect(ran.contains("hello from node chaincode: args --peer.address peer0.org1.example.com:7052, uid 1000, in /k8svm/chaincode"),
                "\(ran)")

        // Without a start script the peer could not start it: refused before any container.
        try #"{"name":"greeter","version":"1.0.0","scripts":{"test":"true"}}"#.write(toFile: source + "/package.json", atomically: true, encoding: .utf8)
        let unstartable = try await setup.builder.installPackage(from: source, label: "greeter_2.0", type: "node", named: "pkg2")
        let started = Int(Date().timeIntervalSince1970)
        let refused = try await setup.build(unstartable)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("src/package.json has no start script"), "\(refused.stderr)")
        #expect(try await setup.containersCreated(since: started) == 0, "refused before any container")
    }

    /// A Java package of prebuilt jars (Fabric's javaenv runs them with the shim's `ContractRouter` on the class
    /// path), built and started for real; and the runtime's start of an uber jar, as Gradle's or Maven's build leaves
    /// it. The jars are compiled with the ccenv-java image's JDK; the class stands in for the shim (Maven Central,
    /// where the real one is, is not reachable here), under the shim's name.
    @Test func aJavaPackageOfJarsAndAnUberJarStartAsFabricsJavaPlatformStartsThem() async throws {
        let setup = try await Setup()
        defer { setup.finish() }
        try await setup.provide(ccenv: "ccenv-java", runtime: "runtime-java")
        let tools = setup.workspace.path("java-tools")
        try FileManager.default.createDirectory(atPath: tools, withIntermediateDirectories: true)
        try """
            package org.hyperledger.fabric.contract;

            public final class ContractRouter {
                public static void main(String[] args) {
                    System.out.println("hello from java chaincode: " + String.join(" ", args) + ", in " + System.getProperty("user.dir"));
                }
            }
            """.write(toFile: tools + "/ContractRouter.java", atomically: true, encoding: .utf8)
        try await ShellCommand.run(["/usr/bin/docker", "run", "--rm", "--network", "none", "--user", "0", "-v", "\(tools):/w",
                                    "--entrypoint", "/bin/sh", try await setup.docker.builderImage("ccenv-java"), "-c",
                                    "cd /w && javac -d classes ContractRouter.java && mkdir -p package/lib uber"
                                    + " && jar cf package/lib/chaincode.jar -C classes ."
                                    + " && jar cfe uber/chaincode.jar org.hyperledger.fabric.contract.ContractRouter -C classes ."
                                    + " && touch uber/.uberjar && chmod -R a+rX /w"],
                                   environment: setup.environment).check()

        let context = try await setup.builder.installPackage(from: tools + "/package", label: "jars_1.0", type: "java")
        let built = try await setup.build(context)
        #expect(built.status == 0, "\(built)")
        #expect(built.stderr.contains("no build file, the package's jars are the chaincode"), "\(built.stderr)")
        let ran = try await setup.runImage(builtIn: context, peerAddress: "peer0.org1.example.com:7052")
        #expect(ran.contains("hello from java chaincode: --peerAddress peer0.org1.example.com:7052, in /k8svm/chaincode"),
                "\(ran)")

        let runtime = try await setup.docker.builderImage("runtime-java")
        let uber = try await ShellCommand.run(["/usr/bin/docker", "run", "--rm", "--network", "none", "-e", "CORE_PEER_ADDRESS=peer:7052",
                                               "-v", "\(tools)/uber:/k8svm/chaincode:ro", runtime], environment: setup.environment)
        try uber.check()
        #expect(uber.output.contains("hello from java chaincode: --peerAddress peer:7052"), "java -jar of the uber jar: \(uber.output)")
    }

    @Test func aCompileErrorFailsWithTheCompilersMessageAndLeavesNothing() async throws {
        let setup = try await Setup()
        defer { setup.finish() }
        let context = try await setup.package(["go.mod": "module example.com/broken\n\ngo 1.19\n",
                                               "main.go": "package main\n\nfunc main() {\n\tnotDefinedAnywhere()\n}\n"])
        let built = try await setup.build(context)
        #expect(built.status != 0)
        #expect(built.stderr.contains("undefined: notDefinedAnywhere"), "the compiler's own message: \(built)")
        #expect(!FileManager.default.fileExists(atPath: context + "/bld/image.json"))
        #expect(!FileManager.default.fileExists(atPath: context + "/bld/" + BuildRecord.fileName))
        #expect(try await setup.buildContainers().isEmpty, "no build container is left")
        #expect(!setup.registry.requests.contains { $0.hasPrefix("PUT /v2/chaincode/manifests/") }, "nothing is pushed")
    }

    @Test func aGolangPackageWithoutGoIsRefusedBeforeAnythingStarts() async throws {
        let setup = try await Setup()
        defer { setup.finish() }
        let context = try await setup.package(["README.md": "no Go here\n"])
        let started = Int(Date().timeIntervalSince1970)
        let built = try await setup.build(context)
        #expect(built.status != 0)
        #expect(built.k8svmLines.last?.contains("not a golang package: no go.mod") == true, "\(built)")
        #expect(try await setup.containersCreated(since: started) == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: context + "/bld").isEmpty)
    }

    @Test func anUnreachableRegistryIsNamed() async throws {
        let closed = "127.0.0.1:\(try TestRegistry.freeLoopbackPort())"
        let setup = try await Setup(registryOverride: closed + "/chaincode", builderImages: closed + "/k8svm")
        defer { setup.finish() }
        let context = try await setup.package()
        let built = try await setup.build(context)
        #expect(built.status != 0)
        #expect(built.k8svmLines.last?.contains("registry \(closed) is unreachable") == true, "the error names the registry: \(built)")
        #expect(try await setup.buildContainers().isEmpty)
    }

    /// The same build with stage 1 as a Kubernetes Job. On the fake API server, whose kubelet runs the ccenv image's
    /// `k8svm-stage1` script as a host process with the host's Go: the Job runner needs the ccenv image in the registry
    /// (nodes pull it by digest), and since the fake never pulls, the small runtime image stands in for it there.
    /// With `K8SVM_TEST_KUBECONFIG`, on that cluster instead: `K8SVM_TEST_REGISTRY` names a registry path both this
    /// host and the cluster reach, holding the builder images (`builder-images/build.sh`), and
    /// `K8SVM_TEST_EXCHANGE_HOST` the address the cluster's Pods reach this host at.
    @Test func theJobRunnerBuildsThePackageOnTheClusterAndLeavesNoJob() async throws {
        let environment = ProcessInfo.processInfo.environment
        if let kubeconfig = environment["K8SVM_TEST_KUBECONFIG"], !kubeconfig.isEmpty {
            guard let registry = environment["K8SVM_TEST_REGISTRY"], let exchange = environment["K8SVM_TEST_EXCHANGE_HOST"] else {
                throw TestFailure("with K8SVM_TEST_KUBECONFIG, set K8SVM_TEST_REGISTRY (host/path holding the builder images) and K8SVM_TEST_EXCHANGE_HOST")
            }
            let namespace = environment["K8SVM_TEST_NAMESPACE"] ?? "default"
            let setup = try await Setup(runner: "job", registryOverride: registry + "/chaincode", builderImages: registry + "/k8svm",
                                        extraConfig: Self.jobConfig(exchange: exchange, kubeconfig: kubeconfig, namespace: namespace))
            defer { setup.finish() }
            try await buildWithAJob(setup, jobsLeft: {
                try await withKubernetesClient(kubeconfig: kubeconfig) { client in
                    try await client.list(Job.self, namespace: namespace, labelSelector: "k8svm.io/peer=job-peer").items
                        .map { $0.metadata.name ?? "" }
                }
            })
            return
        }
        let fake = try await FakeKubeAPIServer.start()
        let workspace = try Workspace()
        try await withCleanup({ await fake.stop(); workspace.remove() }) {
            try workspace.write(fake.kubeconfig(namespace: "k8svm-build"), to: "kubeconfig")
            let setup = try await Setup(runner: "job", extraConfig: Self.jobConfig(exchange: "127.0.0.1", kubeconfig: workspace.path("kubeconfig"),
                                                                                   namespace: "k8svm-build"))
            defer { setup.finish() }
            let ccenv = "\(setup.registry.address)/k8svm/ccenv-golang"
            try await ShellCommand.run(["/usr/bin/docker", "tag", setup.docker.runtimeGo, "\(ccenv):\(K8sVMVersion.current)"],
                                       environment: setup.environment).check()
            try await ShellCommand.run(["/usr/bin/docker", "push", "-q", "\(ccenv):\(K8sVMVersion.current)"],
                                       environment: setup.environment).check()
            let scripts = TestDockerEngine.repositoryRoot + "/builder-images/stage1"
            fake.registerImage(ccenv, entrypoint: ["/usr/bin/env", "K8SVM_COMPILE=\(scripts)/compile-golang", "\(scripts)/k8svm-stage1"])
            try await buildWithAJob(setup, jobsLeft: { fake.objects("jobs", namespace: "k8svm-build").map { "\($0["metadata"] ?? "")" } })
            #expect(fake.rejectedObjects().isEmpty, "every object sent is valid: \(fake.rejectedObjects())")
        }
    }

    private static func jobConfig(exchange: String, kubeconfig: String, namespace: String) -> String {
        """
          exchangeAddress: \(exchange)
        kubernetes:
          kubeconfig: \(kubeconfig)
          namespace: \(namespace)
          peerName: job-peer
        """
    }

    private func buildWithAJob(_ setup: Setup, jobsLeft: () async throws -> [String]) async throws {
        // doctor first: it finds what build Jobs need (the exchange address, the Go builder images).
        let doctor = try await setup.builder.k8svm(["doctor", "--builder-directory", setup.builder.directory])
        #expect(doctor.status == 0, "\(doctor)")
        #expect(doctor.stdout.contains("ok    build Jobs reach this peer at "), "\(doctor.stdout)")
        #expect(doctor.stdout.contains("ok    golang packages build: "), "\(doctor.stdout)")
        let context = try await setup.package()
        let built = try await setup.build(context)
        #expect(built.status == 0, "\(built)")
        let left = try await jobsLeft()
        #expect(left.isEmpty, "the build Job is deleted: \(left)")
        let ran = try await setup.runImage(builtIn: context, peerAddress: "peer:7052")
        #expect(ran.contains("hello from chaincode: args [-peer.address=peer:7052]"), "\(ran)")
    }
}
