import Crypto
import Foundation
import ImageBuild
import K8sVMCore
import KubernetesClient
import OCIRegistry

/// `build` of a source package (golang, node, java) on the kubernetes backend: the package's image is looked up in
/// the registry by its recipe's tag and, only when missing, compiled in a ccenv container (stage 1, a Kubernetes Job
/// or the local Docker engine) and laid onto the runtime base as one layer that is pushed (stage 2).
struct SourceImageBuild: Sendable {
    let settings: ImageBuildSettings
    let kubernetes: KubernetesSettings
    let environment: [String: String]
    let log: @Sendable (String) -> Void

    /// Builds (or finds) the image of the package in `request` and returns it, pinned by digest.
    func build(_ request: BuildRequest) async throws -> ImageReference {
        let metadata = request.metadata
        let language = try BuildLanguage(metadata.type)
        let repository = try reference(settings.registry, setting: "build.registry")
        let client = try registryClient(for: repository.registry)
        do {
            let image = try await build(request, language: language, repository: repository, registry: client)
            await client.shutdown()
            return image
        } catch {
            await client.shutdown()
            throw Self.explained(error)
        }
    }

    private func build(_ request: BuildRequest, language: BuildLanguage, repository: RegistryReference,
                       registry: RegistryClient) async throws -> ImageReference {
        let metadata = request.metadata
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("k8svm-build-\(UUID().uuidString)").path
        // Checked and packed first: a package that is not what its type says is refused before any request.
        var job = try StageOneJob(label: metadata.label, type: metadata.type, path: metadata.path,
                                  sourceDirectory: request.sourceDirectory, builderImage: "", timeout: settings.timeout,
                                  layerFile: work + "/layer.tar.gz")
        let (runtime, runtimeDigest) = try await runtimeBase(language.runtimeImage, in: registry)
        let ccenv = try await compiler(language.ccenvImage, registry: registry)
        let recipe = ImageRecipe(sourceDigest: SHA256.hash(data: job.source).map { String(format: "%02x", $0) }.joined(),
                                 type: metadata.type, label: metadata.label, path: metadata.path,
                                 ccenvDigest: ccenv.identity, runtimeDigest: runtimeDigest.value)
        let target = repository.tagged(recipe.tag)
        if let digest = try await registry.manifestDigest(target) {
            log("k8svm build: \(target) is already in the registry, nothing to build")
            return ImageReference(name: "\(repository.registry)/\(repository.repository)", digest: digest.value)
        }
        log("k8svm build: compiling \(metadata.label) in \(ccenv.image) (\(settings.runner.rawValue))")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: work) }
        job.builderImage = ccenv.image
        let layer = try await stageOne(job)
        let changes = ImageConfigChanges(
            entrypoint: BuildLanguage.entrypoint, cmd: [], user: BuildLanguage.user,
            workingDir: BuildLanguage.workingDirectory,
            labels: ["org.hyperledger.fabric.chaincode.label": metadata.label,
                     "org.hyperledger.fabric.chaincode.type": metadata.type.rawValue,
                     "io.k8svm.source.digest": "sha256:" + recipe.sourceDigest,
                     "io.k8svm.version": K8sVMVersion.current])
        // A fixed creation time: the same recipe gives the same image digest on every peer.
        let pushed = try await ImageAssembly(client: registry).assemble(
            base: runtime, target: target, layer: layer, changes: changes, createdBy: "k8svm build: \(metadata.label)",
            created: Date(timeIntervalSince1970: 0))
        log("k8svm build: pushed \(target)@\(pushed.digest)")
        return ImageReference(name: "\(repository.registry)/\(repository.repository)", digest: pushed.digest.value)
    }

    /// `<builderImages>/<name>:<K8sVM version>`.
    func builderImage(_ name: String, registry: RegistryClient) throws -> RegistryReference {
        let prefix = settings.builderImages.isEmpty ? registry.registry + "/k8svm" : settings.builderImages
        return try reference("\(prefix)/\(name):\(K8sVMVersion.current)", setting: "build.builderImages")
    }

    /// The ccenv image stage 1 runs, and what identifies its content in the recipe: for the Docker runner the engine's
    /// own image (its ID), for Jobs the registry's (pinned to its digest, which the nodes pull).
    func compiler(_ name: String, registry: RegistryClient) async throws -> (image: String, identity: String) {
        var image = try builderImage(name, registry: registry)
        switch settings.runner {
        case .docker:
            guard let id = try await DockerEngine(socketPath: settings.dockerSocket).imageID(image.description) else {
                throw K8sVMError("the builder image \(image) is not in the Docker engine at \(settings.dockerSocket) (pull it, or build it with builder-images/build.sh)")
            }
            return (image.description, id)
        case .job:
            guard let digest = try await registry.manifestDigest(image) else {
                throw K8sVMError("the builder image \(image) is not in registry \(registry.registry) (push the builder images with builder-images/build.sh, or set build.builderImages)")
            }
            image.digest = digest
            return (image.description, digest.value)
        }
    }

    /// The runtime base, pinned to its digest: it must be in the registry of `build.registry`, whose stage 2 mounts
    /// its layers and never downloads them.
    func runtimeBase(_ name: String, in registry: RegistryClient) async throws -> (RegistryReference, OCIRegistry.Digest) {
        var image = try builderImage(name, registry: registry)
        guard image.registry == registry.registry else {
            throw K8sVMError("build.builderImages must be in the registry of build.registry (\(registry.registry)): stage 2 mounts the runtime base's layers, it never downloads them")
        }
        guard let digest = try await registry.manifestDigest(image) else {
            throw K8sVMError("the runtime base \(image) is not in registry \(registry.registry) (push the builder images with builder-images/build.sh, or set build.builderImages)")
        }
        image.digest = digest
        return (image, digest)
    }

    private func stageOne(_ job: StageOneJob) async throws -> LayerBlob {
        switch settings.runner {
        case .docker:
            let host = settings.exchangeAddress.isEmpty ? "127.0.0.1" : settings.exchangeAddress
            return try await DockerStageOneRunner(socketPath: settings.dockerSocket, exchangeHost: host,
                                                  cacheVolume: settings.dockerCacheVolume.isEmpty ? nil : settings.dockerCacheVolume,
                                                  log: log).run(job)
        case .job:
            guard !settings.exchangeAddress.isEmpty else {
                throw K8sVMError("build.exchangeAddress is not set: build Jobs need the address they reach this peer at (its Pod IP, e.g. K8SVM_BUILD_EXCHANGE_ADDRESS from the downward API's status.podIP)")
            }
            let template = try PodTemplate.configured(settings.podTemplate, setting: "build.podTemplate",
                                                      containerName: BuildJobSpec.containerName)
            let client = try KubernetesVM.client(kubernetes, environment: environment)
            var jobSettings = JobStageOneRunner.Settings(namespace: KubernetesVM.namespace(kubernetes, client.access),
                                                         exchangeAdvertisedHost: settings.exchangeAddress)
            jobSettings.exchangeBindHost = settings.exchangeAddress
            jobSettings.keepFailedJobs = settings.keepFailedJobs
            jobSettings.resources = ResourceQuantities(cpuRequest: settings.cpuRequest, memoryRequest: settings.memoryRequest,
                                                       cpuLimit: settings.cpuLimit, memoryLimit: settings.memoryLimit)
            jobSettings.runAsUser = kubernetes.runAsUser
            jobSettings.cacheVolumeClaim = settings.cacheVolumeClaim
            jobSettings.podTemplate = template
            jobSettings.imagePullPolicy = kubernetes.imagePullPolicy
            if !kubernetes.peerName.isEmpty { jobSettings.labels["k8svm.io/peer"] = kubernetes.peerName }
            if !kubernetes.peerPodUID.isEmpty {
                // The peer Pod owns its builds: when it is deleted, the garbage collector removes a Job it left.
                jobSettings.owner = OwnerReference(apiVersion: "v1", kind: "Pod",
                                                   name: kubernetes.peerName.isEmpty ? KubernetesVM.hostName() : kubernetes.peerName,
                                                   uid: kubernetes.peerPodUID)
            }
            do {
                let output = try await JobStageOneRunner(client: client, settings: jobSettings, log: log).run(job)
                await client.shutdown()
                return output
            } catch {
                await client.shutdown()
                throw error
            }
        }
    }

    func registryClient(for registry: String) throws -> RegistryClient {
        let credentials = try RegistryCredentials.fromDockerConfig(
            for: registry, path: settings.dockerConfig.isEmpty ? nil : settings.dockerConfig, environment: environment)
        var scheme = RegistryScheme.default(for: registry)
        if settings.registryPlainHTTP {
            scheme = .http
        } else if !settings.registryCA.isEmpty {
            scheme = .https(caFile: settings.registryCA)
        }
        return try RegistryClient(registry: registry, scheme: scheme, credentials: credentials)
    }

    func reference(_ text: String, setting: String) throws -> RegistryReference {
        do {
            return try RegistryReference(parsing: text)
        } catch {
            throw K8sVMError("\(setting): \(error)", cause: error)
        }
    }

    /// Registry and input errors as the one line `build` prints.
    private static func explained(_ error: any Error) -> any Error {
        switch error {
        case is K8sVMError, is CancellationError: error
        default: K8sVMError(String(describing: error))
        }
    }
}
