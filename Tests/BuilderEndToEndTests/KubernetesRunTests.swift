import Crypto
import Foundation
import K8sVMCore
import KubernetesClient
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `run` on the kubernetes backend, as a peer drives it: a prebuilt-image package goes package → detect → build →
/// release → run, and the chaincode runs as a Pod (on the fake API server, whose kubelet runs the container as a
/// real process; or on the real cluster of `K8SVM_TEST_KUBECONFIG`).
@Suite(.serialized) struct KubernetesRunTests {
    /// A builder configured for the test cluster, with an image package built, for one test.
    struct Setup {
        let workspace: Workspace
        let cluster: TestCluster
        let builder: InstalledBuilder
        let context: String
        let peer: String

        /// Runs `body` with a fresh workspace, test cluster and builder; all are gone afterwards, also when `body`
        /// throws. `script` is what the test image's container runs, `extra` more of the pod template's spec.
        static func with(script: String, template extra: String = "", imageName: String? = nil,
                         _ body: (Setup) async throws -> Void) async throws {
            let workspace = try Workspace()
            defer { workspace.remove() }
            try await TestCluster.with(workspace) { cluster in
                try await body(Setup(workspace: workspace, cluster: cluster, script: script, template: extra, imageName: imageName))
            }
        }

        private init(workspace: Workspace, cluster: TestCluster, script: String, template extra: String,
                     imageName: String?) async throws {
            self.workspace = workspace
            self.cluster = cluster
            peer = "peer-" + UUID().uuidString.prefix(8).lowercased()
            let block = script.split(separator: "\n").map { "            " + $0 }.joined(separator: "\n")
            try workspace.write("""
                spec:
                  containers:
                    - name: chaincode
                      env:
                        - name: K8SVM_TEST_SCRIPT
                          value: |
                \(block)
                \(extra)
                """, to: "pod-template.yaml")
            builder = try await InstalledBuilder(workspace: workspace, config: """
                backend: kubernetes
                kubernetes:
                  kubeconfig: \(cluster.kubeconfig)
                  namespace: \(cluster.namespace)
                  peerName: \(peer)
                  podTemplate: \(workspace.path("pod-template.yaml"))
                  startTimeout: 30s
                  stopGracePeriod: 2s
                """)
            try workspace.write("{\"name\":\"\(imageName ?? cluster.image.name)\",\"digest\":\"\(cluster.image.digest)\"}",
                                to: "cc/image.json")
            context = try await builder.installPackage(from: workspace.path("cc"), label: "scripted_1.0", type: "k8s")
            try await builder.detectBuildRelease(context)
        }

        func run(tls: Bool = true) async throws -> TestProcessResult {
            try await builder.verb("run", ["\(context)/bld", try builder.runMetadata(chaincodeID: "scripted_1.0:abc", tls: tls)])
        }

        /// Starts `run`; the caller ends it, or kills it (`killIfRunning`) should the test throw first.
        func startRun() throws -> TestProcess {
            try builder.startRun(["\(context)/bld", try builder.runMetadata(chaincodeID: "scripted_1.0:abc", tls: true)], extra: [:])
        }

        /// Waits for the chaincode `run` started to print `line`, and returns its Pod's name.
        func pod(of run: TestProcess, after line: String) async throws -> String {
            _ = try await run.waitForStderrLine(containing: line, timeout: .seconds(30))
            let pods = try await cluster.client.list(Pod.self, namespace: cluster.namespace, labelSelector: "k8svm.io/peer=\(peer)")
            guard let name = pods.items.first?.metadata.name else { throw TestFailure("run started no pod") }
            return name
        }
    }

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    @Test func aPrebuiltImageRunsAsAPodWithEveryShimVariableAndFileAndLeavesNothing() async throws {
        try await Setup.with(script: """
                echo "id=$CORE_CHAINCODE_ID_NAME address=$CORE_PEER_ADDRESS tls=$CORE_PEER_TLS_ENABLED msp=$CORE_PEER_LOCALMSPID"
                for v in CORE_PEER_TLS_ROOTCERT_FILE CORE_TLS_CLIENT_KEY_PATH CORE_TLS_CLIENT_CERT_PATH CORE_TLS_CLIENT_KEY_FILE CORE_TLS_CLIENT_CERT_FILE; do
                  f=$(printenv "$v"); echo "$v=$f sha256=$(sha256sum < "$f" | cut -d' ' -f1)"
                done
                echo "tmp is writable: $(touch /tmp/x && echo yes)"
                exit 0
                """) { setup in
            let result = try await setup.run()
            #expect(result.status == 0, "\(result)")
            let log = result.stderr
            #expect(log.contains("id=scripted_1.0:abc address=127.0.0.1:7052 tls=true msp=Org1MSP"), "\(log)")
            let base64 = { (text: String) in Data(text.utf8).base64EncodedString() }
            let expected = [
                ("CORE_PEER_TLS_ROOTCERT_FILE", "peer.crt", Fixtures.tls.root),
                ("CORE_TLS_CLIENT_KEY_PATH", "client.key", base64(Fixtures.tls.key)),
                ("CORE_TLS_CLIENT_CERT_PATH", "client.crt", base64(Fixtures.tls.cert)),
                ("CORE_TLS_CLIENT_KEY_FILE", "client_pem.key", Fixtures.tls.key),
                ("CORE_TLS_CLIENT_CERT_FILE", "client_pem.crt", Fixtures.tls.cert),
            ]
            for (variable, file, contents) in expected {
                #expect(log.contains("\(variable)=/etc/hyperledger/fabric/\(file) sha256=\(Self.sha256(contents))"), "\(variable)")
            }
            #expect(log.contains("tmp is writable: yes"))
            #expect(result.stdout.isEmpty)
            #expect(try await setup.cluster.awaitNoLeftovers(peer: setup.peer, within: .seconds(1)).isEmpty,
                    "run removes the Pod and its Secret before it exits")
            if let fake = setup.cluster.fake {
                let launch = fake.requests.prefix { $0.method != "DELETE" }.filter { !$0.path.hasSuffix("/events") }
                #expect(launch.count <= 4, "a launch takes at most four API requests and never polls: \(launch.map { "\($0.method) \($0.path)" })")
                #expect(fake.rejectedObjects().isEmpty)
            }
        }
    }

    @Test func theContainersExitCodeIsRunsExitCode() async throws {
        try await Setup.with(script: "echo 'about to fail' >&2; exit 3") { setup in
            let result = try await setup.run(tls: false)
            #expect(result.status == 3, "\(result)")
            #expect(result.stderr.contains("about to fail"))
            #expect(try await setup.cluster.awaitNoLeftovers(peer: setup.peer, within: .seconds(1)).isEmpty)
        }
    }

    @Test func sigtermDeletesThePodAndRunEndsWithinTheGracePeriod() async throws {
        try await Setup.with(script: "trap 'echo got SIGTERM; exit 143' TERM; echo serving; while true; do sleep 0.1; done") { setup in
            let run = try setup.startRun()
            defer { run.killIfRunning() }
            _ = try await run.waitForStderrLine(containing: "serving", timeout: .seconds(30))
            let signalled = ContinuousClock.now
            run.signal(SIGTERM)
            let result = await run.finish()
            #expect(ContinuousClock.now - signalled < .seconds(5), "the peer kills run 5 s after SIGTERM")
            #expect(result.status == 143, "\(result)")
            #expect(result.stderr.contains("got SIGTERM"), "the container was asked to stop, and its last words reach the log")
            #expect(try await setup.cluster.awaitNoLeftovers(peer: setup.peer).isEmpty)
        }
    }

    @Test func anImageThatCannotBePulledIsExplainedAndRemoved() async throws {
        try await Setup.with(script: "exit 0", imageName: "127.0.0.1:5000/k8svm-test/does-not-exist") { setup in
            let result = try await setup.run()
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("did not start: ImagePullBackOff"), "\(result.stderr)")
            #expect(result.stderr.contains("event Failed"), "the kubelet's warning events are shown")
            #expect(try await setup.cluster.awaitNoLeftovers(peer: setup.peer).isEmpty)
        }
    }

    @Test func aPodDeletedBySomeoneElseEndsRunWithThatReason() async throws {
        try await Setup.with(script: "echo serving; sleep 60") { setup in
            let run = try setup.startRun()
            defer { run.killIfRunning() }
            let pod = try await setup.pod(of: run, after: "serving")
            try await setup.cluster.client.delete(Pod.self, name: pod, namespace: setup.cluster.namespace, gracePeriodSeconds: 0)
            let result = await run.finish()
            #expect(result.status != 0)
            #expect(result.stderr.contains("deleted by someone else"), "\(result.stderr)")
            #expect(try await setup.cluster.awaitNoLeftovers(peer: setup.peer).isEmpty)
        }
    }

    @Test func aStalePodOfAKilledRunIsReplaced() async throws {
        try await Setup.with(script: "echo serving; sleep 1; echo done") { setup in
            let killed = try setup.startRun()
            defer { killed.killIfRunning() }
            _ = try await killed.waitForStderrLine(containing: "created pod", timeout: .seconds(30))
            killed.signal(SIGKILL)
            _ = await killed.finish()
            #expect(try await setup.cluster.leftovers(peer: setup.peer).contains { $0.hasPrefix("pod/") }, "SIGKILL leaves the Pod behind")

            let result = try await setup.run()
            #expect(result.status == 0, "\(result)")
            #expect(result.stderr.contains("replacing stale pod"))
            #expect(result.stderr.contains("done"))
            #expect(try await setup.cluster.awaitNoLeftovers(peer: setup.peer).isEmpty)
        }
    }

    @Test func aTemplateThatWouldWeakenThePodIsRefusedBeforeAnythingIsCreated() async throws {
        try await Setup.with(script: "exit 0", template: "  securityContext: {runAsUser: 0}") { setup in
            let result = try await setup.run()
            #expect(result.status == 1)
            #expect(result.stderr.contains("spec.securityContext is not something a template may set"), "\(result.stderr)")
            #expect(try await setup.cluster.leftovers(peer: setup.peer).isEmpty)
            if let fake = setup.cluster.fake { #expect(!fake.requests.contains { $0.method == "POST" }) }
        }
    }

    // Fault injection needs the fake: a real API server cannot be told to drop its streams or OOM-kill on cue.

    @Test(.enabled(if: !TestCluster.isReal)) func theAPIServerGoingAwayMidRunIsSurvived() async throws {
        try await Setup.with(script: "echo line-1; sleep 1; echo line-2; sleep 1; echo line-3") { setup in
            let run = try setup.startRun()
            defer { run.killIfRunning() }
            _ = try await run.waitForStderrLine(containing: "line-1", timeout: .seconds(30))
            setup.cluster.fake!.dropStreams()
            let result = await run.finish()
            #expect(result.status == 0, "\(result)")
            for line in ["line-1", "line-2", "line-3"] {
                #expect(result.stderr.components(separatedBy: line).count == 2, "\(line) appears exactly once:\n\(result.stderr)")
            }
            #expect(result.stderr.contains("lost the watch"), "the outage is reported, not fatal")
        }
    }

    @Test(.enabled(if: !TestCluster.isReal)) func aWatchWhoseResourceVersionExpiredRereadsThePod() async throws {
        try await Setup.with(script: "echo line-1; sleep 1; echo line-2; exit 5") { setup in
            let run = try setup.startRun()
            defer { run.killIfRunning() }
            _ = try await run.waitForStderrLine(containing: "line-1", timeout: .seconds(30))
            setup.cluster.fake!.compact()
            setup.cluster.fake!.dropStreams()
            let result = await run.finish()
            #expect(result.status == 5, "the exit code still arrives after the watch was resumed from a re-read Pod: \(result)")
            #expect(result.stderr.contains("line-2"))
            let podReads = setup.cluster.fake!.requests.filter {
                $0.method == "GET" && !$0.isStream && $0.path.contains("/pods/cc-") && !$0.path.hasSuffix("/log")
            }
            #expect(!podReads.isEmpty, "410 Expired made run read the Pod again")
            #expect(try await setup.cluster.awaitNoLeftovers(peer: setup.peer).isEmpty)
        }
    }

    @Test(.enabled(if: !TestCluster.isReal)) func anOOMKilledChaincodeIsNamed() async throws {
        try await Setup.with(script: "echo serving; sleep 60") { setup in
            let run = try setup.startRun()
            defer { run.killIfRunning() }
            let pod = try await setup.pod(of: run, after: "serving")
            setup.cluster.fake!.oomKill(pod: pod, namespace: setup.cluster.namespace)
            let result = await run.finish()
            #expect(result.status == 137)
            #expect(result.stderr.contains("killed for using too much memory (limit 512Mi)"), "\(result.stderr)")
            #expect(try await setup.cluster.awaitNoLeftovers(peer: setup.peer).isEmpty)
        }
    }

    @Test func doctorChecksReachabilityAndPermissions() async throws {
        try await Setup.with(script: "exit 0") { setup in
            let healthy = try await setup.builder.k8svm(["doctor", "--builder-directory", setup.builder.directory])
            #expect(healthy.status == 0, "\(healthy)")
            #expect(healthy.stdout.contains("ok    API server reachable"))
            #expect(healthy.stdout.contains("ok    may create pods in \(setup.cluster.namespace)"))
            guard let fake = setup.cluster.fake else { return }
            fake.deny(verb: "create", resource: "pods")
            let missing = try await setup.builder.k8svm(["doctor", "--builder-directory", setup.builder.directory])
            #expect(missing.status == 1)
            #expect(missing.stdout.contains("FAIL  missing permission: create pods in namespace \(setup.cluster.namespace)"), "\(missing.stdout)")
        }
    }
}
