import Foundation
@testable import ImageBuild
import K8sVMCore
import KubernetesClient
import Synchronization
import Testing
import TestSupport

/// Stage 1 as a Kubernetes Job: against the fake API server (whose kubelet runs the real `k8svm-stage1` script as a
/// process on this host), or unchanged against a real cluster (`StageOneCluster`).
@Suite(.serialized) struct JobRunnerTests {
    /// The Jobs carrying a label as the API server first reports them, collected while a build runs.
    private final class JobRecord: Sendable {
        private let jobs = Mutex<[Job]>([])
        func add(_ job: Job) { jobs.withLock { $0.append(job) } }
        var first: Job? { jobs.withLock { $0.first } }
    }

    private func recordJobs(_ cluster: StageOneCluster, label: String) -> (Task<Void, Never>, JobRecord) {
        let record = JobRecord()
        let task = Task {
            guard let events = try? await cluster.client.watch(Job.self, namespace: cluster.namespace, labelSelector: label,
                                                               resourceVersion: nil) else { return }
            do {
                for try await event in events {
                    if case .added(let job) = event { record.add(job) }
                }
            } catch {}
        }
        return (task, record)
    }

    private func settings(_ cluster: StageOneCluster, run: String) -> JobStageOneRunner.Settings {
        var settings = JobStageOneRunner.Settings(namespace: cluster.namespace, exchangeAdvertisedHost: cluster.exchangeHost)
        settings.exchangeBindHost = cluster.exchangeBindHost
        settings.labels = ["k8svm.test/run": run]
        settings.ttlSecondsAfterFinished = 120
        return settings
    }

    /// The builder image of a build that never ends: on the fake, an image that sleeps; on a real cluster, the ccenv
    /// image with a CPU request no node can meet, so that the build Pod is never scheduled.
    private func neverEndingBuild(_ cluster: StageOneCluster, _ settings: inout JobStageOneRunner.Settings) -> String {
        guard let fake = cluster.fake else {
            settings.resources.cpuRequest = "100000"
            return cluster.ccenvImage
        }
        fake.registerImage("127.0.0.1:5000/k8svm/ccenv-never-done", entrypoint: ["/bin/sleep", "600"])
        return "127.0.0.1:5000/k8svm/ccenv-never-done:test"
    }

    /// Runs `body` with a scratch directory, the cluster, a run id (the `k8svm.test/run` label of its Jobs) and the
    /// Jobs of that run as the API server reports them; all are cleaned up afterwards.
    private func withRecordedRun(_ body: (Scratch, StageOneCluster, String, JobRecord) async throws -> Void) async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try await StageOneCluster.with(scratch: scratch) { cluster in
            let run = UUID().uuidString.lowercased()
            let (recording, jobs) = recordJobs(cluster, label: "k8svm.test/run=\(run)")
            defer { recording.cancel() }
            try await body(scratch, cluster, run, jobs)
        }
    }

    @Test func aGoPackageBuildsInAJobThatIsGoneAfterwards() async throws {
        try await withRecordedRun { scratch, cluster, run, jobs in
            let label = "k8svm.test/run=\(run)"
            let log = LogSink()
            let runner = JobStageOneRunner(client: cluster.client, settings: settings(cluster, run: run), log: log.sink)
            let job = try StageOneJob(label: "stage1-test", type: .golang, path: "", sourceDirectory: try GoSource.write(in: scratch),
                                      builderImage: cluster.ccenvImage, timeout: .seconds(240), layerFile: scratch.path + "/layer.tar.gz")
            let result = await Result(catching: { try await runner.run(job) })
            let left = try await cluster.awaitNoLeftovers(label: label)

            let output = try result.get()
            #expect(output.digest.value == (try sha256(file: output.file)), "the summary came from the termination message and matches")
            #expect(output.diffID.value == (try await diffID(ofGzip: output.file)))
            let layer = try await inspectGoLayer(output, scratch: scratch)
            #expect(layer.printed.contains("\(GoSource.greeting) [-peer.address=127.0.0.1:7052]"), "\(layer.printed)")
            #expect(log.text.contains("go build"), "the build log was streamed while it ran: \(log.text)")
            #expect(left.isEmpty, "no Job or Pod is left: \(left)")

            let sent = try #require(jobs.first, "the Job was seen")
            let spec = try #require(sent.spec)
            #expect(spec.backoffLimit == 0)
            #expect(spec.activeDeadlineSeconds == 240)
            #expect(spec.ttlSecondsAfterFinished == 120)
            let pod = spec.template.spec
            #expect(pod.restartPolicy == "Never" && pod.automountServiceAccountToken == false)
            #expect(pod.securityContext?.objectValue?["runAsNonRoot"] == .bool(true))
            #expect(pod.securityContext?.objectValue?["seccompProfile"] == .object(["type": .string("RuntimeDefault")]))
            let container = try #require(pod.containers.first)
            #expect(container.image == cluster.ccenvImage)
            #expect(container.securityContext?.objectValue?["readOnlyRootFilesystem"] == .bool(true))
            #expect(container.securityContext?.objectValue?["allowPrivilegeEscalation"] == .bool(false))
            #expect(container.volumeMounts?.contains { $0.mountPath == "/tmp" } == true, "a writable /tmp")
            #expect(container.resources?.objectValue?["limits"]?.objectValue?["memory"] == .string("2Gi"))
            let names = Set(container.env?.map(\.name) ?? [])
            #expect(names.isSuperset(of: ["K8SVM_SOURCE_URL", "K8SVM_OUTPUT_URL", "K8SVM_TOKEN", "K8SVM_CHAINCODE_LABEL", "HOME"]))
        }
    }

    @Test func everyLayoutThePeerCLIWritesBuildsInAJob() async throws {
        try await withRecordedRun { scratch, cluster, run, _ in
            var buildSettings = settings(cluster, run: run)
            // One cluster for all layouts, sharing Go's caches (on the fake always; on a real cluster with
            // K8SVM_TEST_CACHE_CLAIM): only the first build compiles the standard library.
            buildSettings.cacheVolumeClaim = cluster.fake == nil ? Self.cacheClaim ?? "" : "k8svm-layout-cache"
            let runner = JobStageOneRunner(client: cluster.client, settings: buildSettings, log: { _ in })
            for layout in GoPackageLayout.all {
                let printed = try await build(layout, as: layout.name, with: runner, builderImage: cluster.ccenvImage, scratch: scratch)
                #expect(printed == "\(layout.printed) [-peer.address=127.0.0.1:7052]\n", "\(layout.name): \(printed)")
                let left = try await cluster.awaitNoLeftovers(label: "k8svm.test/run=\(run)")
                #expect(left.isEmpty, "\(layout.name): no Job or Pod is left: \(left)")
            }
        }
    }

    /// The claim a real cluster's run uses (`K8SVM_TEST_CACHE_CLAIM`, an existing PVC); the fake binds any claim.
    static let cacheClaim = ProcessInfo.processInfo.environment["K8SVM_TEST_CACHE_CLAIM"]

    @Test(.enabled(if: ProcessInfo.processInfo.environment["K8SVM_TEST_KUBECONFIG"] == nil || cacheClaim != nil,
                   "on a real cluster, name an existing PersistentVolumeClaim in K8SVM_TEST_CACHE_CLAIM"))
    func aCacheClaimKeepsGosCachesForTheNextBuild() async throws {
        try await withRecordedRun { scratch, cluster, run, jobs in
            var buildSettings = settings(cluster, run: run)
            buildSettings.cacheVolumeClaim = Self.cacheClaim ?? "k8svm-build-cache"
            let runner = JobStageOneRunner(client: cluster.client, settings: buildSettings, log: { _ in })
            for version in ["one", "two"] {
                let layout = GoPackageLayout.moduleImportPath
                let printed = try await build(layout, as: "cached-" + version, with: runner, builderImage: cluster.ccenvImage,
                                              scratch: scratch)
                #expect(printed.hasPrefix(layout.printed), "\(printed)")
                if let fake = cluster.fake {
                    let cache = fake.claimVolume(namespace: cluster.namespace, claim: buildSettings.cacheVolumeClaim) + "/go/build"
                    #expect(!((try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? []).isEmpty,
                            "Go's build cache is on the claim after build \(version)")
                }
            }
            #expect(try await cluster.awaitNoLeftovers(label: "k8svm.test/run=\(run)").isEmpty)
            let pod = try #require(jobs.first?.spec?.template.spec)
            #expect(pod.volumes?.contains(.object(["name": .string("cache"), "persistentVolumeClaim":
                                                    .object(["claimName": .string(buildSettings.cacheVolumeClaim)])])) == true)
            #expect(pod.containers.first?.volumeMounts?.contains(VolumeMount(name: "cache", mountPath: "/cache")) == true)
            #expect(pod.securityContext?.objectValue?["fsGroup"] == .integer(1000), "the claim is writable by the build's group")
            #expect(pod.containers.first?.env?.contains(EnvVar(name: "K8SVM_CACHE_DIR", value: "/cache")) == true)
        }
    }

    @Test func aBuildPodTemplateIsLaidOverTheBuildPod() async throws {
        try await withRecordedRun { scratch, cluster, run, jobs in
            var buildSettings = settings(cluster, run: run)
            // GOFLAGS=-v makes go build name each package it compiles: the build log shows the template's variable.
            buildSettings.podTemplate = try PodTemplate.parse("""
                metadata:
                  labels: {team: ledger}
                  annotations: {example.com/cost-centre: builds}
                spec:
                  tolerations: [{key: dedicated, operator: Equal, value: builds, effect: NoSchedule}]
                  containers:
                    - name: build
                      env: [{name: GOFLAGS, value: "-v"}]
                """, source: "build-template.yaml", containerName: BuildJobSpec.containerName)
            let log = LogSink()
            let runner = JobStageOneRunner(client: cluster.client, settings: buildSettings, log: log.sink)
            let layout = GoPackageLayout.moduleImportPath
            let printed = try await build(layout, as: "templated", with: runner, builderImage: cluster.ccenvImage, scratch: scratch)
            #expect(printed.hasPrefix(layout.printed), "\(printed)")
            #expect(log.text.split(separator: "\n").contains { $0.hasSuffix(" " + layout.path) || $0 == layout.path },
                    "go build -v named the package: \(log.text)")
            #expect(try await cluster.awaitNoLeftovers(label: "k8svm.test/run=\(run)").isEmpty)

            let template = try #require(jobs.first?.spec?.template)
            #expect(template.metadata?.labels?["team"] == "ledger")
            #expect(template.metadata?.labels?["k8svm.test/run"] == run, "K8sVM's own labels stay")
            #expect(template.metadata?.annotations?["example.com/cost-centre"] == "builds")
            #expect(template.spec.securityContext?.objectValue?["runAsNonRoot"] == .bool(true), "still hardened")
        }
    }

    /// With the peer Pod as owner, a build Job goes when the peer Pod goes: the garbage collector deletes it, and the
    /// build that waited for it fails at once, saying why.
    @Test func aBuildJobOwnedByThePeerPodIsRemovedWithIt() async throws {
        try await withRecordedRun { scratch, cluster, run, jobs in
            var peer = Pod(metadata: ObjectMeta(name: "peer-owner-" + run.prefix(8), labels: ["k8svm.test/run": run]),
                           spec: PodSpec(containers: [Container(name: "peer", image: cluster.ccenvImage)]))
            peer.spec?.containers[0].command = ["/bin/sleep", "600"]
            peer.spec?.terminationGracePeriodSeconds = 1
            let owner = try await cluster.client.create(peer, namespace: cluster.namespace)
            // A build that never ends by itself, so that only the owner's deletion ends it.
            var buildSettings = settings(cluster, run: run)
            let builderImage = neverEndingBuild(cluster, &buildSettings)
            buildSettings.owner = OwnerReference(apiVersion: "v1", kind: "Pod", name: owner.metadata.name ?? "",
                                                 uid: owner.metadata.uid ?? "")
            let runner = JobStageOneRunner(client: cluster.client, settings: buildSettings, log: { _ in })
            let job = try StageOneJob(label: "owned", type: .golang, path: "", sourceDirectory: try GoSource.write(in: scratch),
                                      builderImage: builderImage, timeout: .seconds(120), layerFile: scratch.path + "/layer.tar.gz")
            let building = Task { try await runner.run(job) }
            let sent = ContinuousClock.now + .seconds(30)
            while jobs.first == nil, ContinuousClock.now < sent { try await Task.sleep(for: .milliseconds(100)) }
            let created = try #require(jobs.first, "the build Job was created")
            #expect(created.metadata.ownerReferences == [buildSettings.owner!])
            // The build Pod exists (the runner follows it) before its owner goes.
            let podLabel = "k8svm.io/stage1=\(created.metadata.name ?? "")"
            while try await cluster.client.list(Pod.self, namespace: cluster.namespace, labelSelector: podLabel).items.isEmpty,
                  ContinuousClock.now < sent {
                try await Task.sleep(for: .milliseconds(100))
            }

            let deleted = ContinuousClock.now
            try await cluster.client.delete(Pod.self, name: owner.metadata.name ?? "", namespace: cluster.namespace)
            let result = await Result(catching: { try await building.value })
            let error = try #require(throws: K8sVMError.self) { try result.get() }
            #expect(error.message.contains("was stopped: its job \(cluster.namespace)/\(created.metadata.name ?? "")"
                                           + " was deleted before the build ended"), "\(error.message)")
            #expect(ContinuousClock.now - deleted < .seconds(60), "ended by the owner's deletion, not the build timeout")
            #expect(try await cluster.awaitNoLeftovers(label: "k8svm.test/run=\(run)").isEmpty, "no Job, build Pod or peer Pod is left")
        }
    }

    @Test func aBuildPodTemplateCannotTouchWhatK8sVMSets() throws {
        let settings = JobStageOneRunner.Settings(namespace: "ns", exchangeAdvertisedHost: "127.0.0.1")
        for (yaml, message) in [
            ("spec:\n  containers:\n    - name: chaincode\n", "spec.containers[0].name must be build"),
            ("spec:\n  containers:\n    - name: build\n      command: [sh]\n", "spec.containers[0].command is not something a template may set"),
            ("spec:\n  containers:\n    - env: [{name: K8SVM_TOKEN, value: x}]\n", "spec.containers[0].env K8SVM_TOKEN is set by k8svm"),
            ("spec:\n  volumes: [{name: tmp, emptyDir: {}}]\n", "spec.volumes tmp is set by k8svm"),
            ("metadata:\n  labels: {k8svm.io/stage1: other}\n", "metadata.labels.k8svm.io/stage1 is set by k8svm"),
        ] {
            var templated = settings
            do {
                templated.podTemplate = try PodTemplate.parse(yaml, source: "t.yaml", containerName: BuildJobSpec.containerName)
                let spec = BuildJobSpec(label: "cc", settings: templated)
                _ = try spec.body(image: "ccenv", environment: [("K8SVM_TOKEN", "t")], timeout: .seconds(1))
                Issue.record("accepted: \(yaml)")
            } catch {
                #expect("\(error)".contains(message), "\(error)")
            }
        }
    }

    @Test func aFailedBuildInAJobCarriesTheCompilersMessageAndLeavesNothing() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try await StageOneCluster.with(scratch: scratch) { cluster in
            let run = UUID().uuidString.lowercased()
            let log = LogSink()
            let runner = JobStageOneRunner(client: cluster.client, settings: settings(cluster, run: run), log: log.sink)
            let broken = GoSource.main.replacingOccurrences(of: "fmt.Println(", with: "fmt.Println(undefinedThing, ")
            let job = try StageOneJob(label: "stage1-test", type: .golang, path: "", sourceDirectory: try GoSource.write(in: scratch, main: broken),
                                      builderImage: cluster.ccenvImage, timeout: .seconds(240), layerFile: scratch.path + "/layer.tar.gz")
            let result = await Result(catching: { try await runner.run(job) })
            let left = try await cluster.awaitNoLeftovers(label: "k8svm.test/run=\(run)")

            let error = try #require(throws: K8sVMError.self) { try result.get() }
            #expect(error.message.contains("failed") && error.message.contains("undefined: undefinedThing"), "\(error.message)")
            #expect(log.text.contains("undefined: undefinedThing"), "\(log.text)")
            #expect(left.isEmpty, "no Job or Pod is left: \(left)")
        }
    }

    @Test func aJobOverItsTimeIsStoppedAndSaysSo() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try await StageOneCluster.with(scratch: scratch) { cluster in
            let run = UUID().uuidString.lowercased()
            // A build that never ends, so that only the deadline can stop it.
            var buildSettings = settings(cluster, run: run)
            let builderImage = neverEndingBuild(cluster, &buildSettings)
            let runner = JobStageOneRunner(client: cluster.client, settings: buildSettings, log: { _ in })
            let job = try StageOneJob(label: "stage1-test", type: .golang, path: "", sourceDirectory: try GoSource.write(in: scratch),
                                      builderImage: builderImage, timeout: .seconds(2), layerFile: scratch.path + "/layer.tar.gz")
            let started = ContinuousClock.now
            let result = await Result(catching: { try await runner.run(job) })
            let elapsed = ContinuousClock.now - started
            let left = try await cluster.awaitNoLeftovers(label: "k8svm.test/run=\(run)")

            let error = try #require(throws: K8sVMError.self) { try result.get() }
            #expect(error.message.contains("timed out after 2 s"), "\(error.message)")
            #expect(elapsed < .seconds(40), "stopped by its deadline, not run to its end (\(elapsed))")
            #expect(left.isEmpty, "no Job or Pod is left: \(left)")
        }
    }
}
