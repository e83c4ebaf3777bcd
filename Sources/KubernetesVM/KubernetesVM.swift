import Foundation
import K8sVMCore
import KubernetesClient
import PeerContract
#if canImport(Glibc)
import Glibc
#endif

/// The Kubernetes backend: chaincode runs as a Pod that dials the peer.
///
/// Prebuilt images (`image`/`k8s` packages, fabric-builder-k8s' `image.json`) are "built" by recording the image;
/// source packages are built into an image in the configured registry (`SourceImageBuild`). Every launch creates a
/// Pod for the image (`KubernetesChaincodeInstance`).
public struct KubernetesVM: ChaincodeVM, ChaincodeBackend {
    public static let name = "kubernetes"
    public static let settingsSections: [any SettingsSection.Type] = [KubernetesSettings.self, ImageBuildSettings.self]

    public let settings: KubernetesSettings
    /// How source packages become images; without a registry, only prebuilt images are served.
    public let imageBuild: ImageBuildSettings
    public let environment: [String: String]
    /// Where k8svm's own lines go (the peer logs stderr).
    public let log: @Sendable (String) -> Void
    /// Where the chaincode's log lines go.
    public let output: @Sendable (String) -> Void

    public init(settings: KubernetesSettings, imageBuild: ImageBuildSettings = .init(),
                environment: [String: String],
                log: @escaping @Sendable (String) -> Void = K8sVMLog.line,
                output: @escaping @Sendable (String) -> Void = K8sVMLog.chaincodeLine) {
        self.settings = settings
        self.imageBuild = imageBuild
        self.environment = environment
        self.log = log
        self.output = output
    }

    public static func makeVM(configuration: Configuration, environment: [String: String]) throws -> any ChaincodeVM {
        KubernetesVM(settings: configuration[KubernetesSettings.self], imageBuild: configuration[ImageBuildSettings.self],
                     environment: environment)
    }

    public var backend: String { Self.name }
    public var stopGracePeriod: Duration { settings.stopGracePeriod }

    public func servableTypes() -> Set<ChaincodeType> {
        imageBuild.isEnabled ? [.image, .golang, .node, .java] : [.image]
    }

    /// Records the image to run: the package's own (`image.json`), or the one built from its source, which is also
    /// written to `BUILD_DIR/image.json`.
    public func build(_ request: BuildRequest) async throws -> BuildRecord {
        let image: ImageReference
        switch request.metadata.type {
        case .image:
            image = try ImageReference.load(fromDirectory: request.sourceDirectory)
        case .golang, .node, .java:
            guard imageBuild.isEnabled else {
                throw K8sVMError("the kubernetes backend builds \(request.metadata.type.rawValue) packages only when build.registry names a registry to push images to")
            }
            image = try await SourceImageBuild(settings: imageBuild, kubernetes: settings, environment: environment, log: log)
                .build(request)
            try image.write(toDirectory: request.buildDirectory)
        case .binary:
            throw K8sVMError("the kubernetes backend cannot run binary packages (it runs images; use a golang, node or java source package, or an image package)")
        }
        try MetaINF.copy(from: request.sourceDirectory, to: request.buildDirectory)
        return try BuildRecord(backend: backend, type: request.metadata.type, label: request.metadata.label,
                               build: KubernetesBuild(image: image))
    }

    public func start(_ record: BuildRecord, buildDirectory: String, connection: PeerConnection) async throws -> any ChaincodeInstance {
        let build = try record.build(KubernetesBuild.self, madeBy: backend)
        let template = try PodTemplate.configured(settings.podTemplate, setting: "kubernetes.podTemplate",
                                                  containerName: ChaincodePodSpec.containerName)
        let peerName = settings.peerName.isEmpty ? Self.hostName() : settings.peerName
        let identity = ChaincodePodIdentity(packageID: connection.chaincodeID, peerName: peerName,
                                            peerAddress: connection.peerAddress, mspID: connection.mspID,
                                            namePrefix: settings.namePrefix)
        let spec = ChaincodePodSpec(identity: identity, image: build.image, arguments: build.arguments, connection: connection,
                                    settings: settings)
        let chaincodePod = try spec.pod()
        let pod: JSONValue
        do {
            pod = try template?.applied(to: chaincodePod) ?? JSONValue(encoding: chaincodePod)
        } catch let error as PodTemplateError {
            throw K8sVMError("kubernetes.podTemplate: \(error)", cause: error)
        }
        let client = try Self.client(settings, environment: environment)
        do {
            return try await KubernetesChaincodeInstance.start(
                client: client, namespace: Self.namespace(settings, client.access), spec: spec, pod: pod,
                startTimeout: settings.startTimeout, log: log, output: output)
        } catch {
            await client.shutdown()
            throw error
        }
    }

    /// A client of the configured API server; a kubeconfig that cannot be used is a `K8sVMError` naming the problem.
    public static func client(_ settings: KubernetesSettings, environment: [String: String]) throws -> KubernetesClient {
        do {
            let access = try ClusterAccess.resolve(kubeconfig: settings.kubeconfig, context: settings.context, environment: environment)
            return try KubernetesClient(access: access, userAgent: "k8svm/\(K8sVMVersion.current)")
        } catch let error as KubeConfigError {
            throw K8sVMError(error.description, cause: error)
        }
    }

    /// The configured namespace, else the kubeconfig context's or service account's, else `default`.
    public static func namespace(_ settings: KubernetesSettings, _ access: ClusterAccess) -> String {
        if !settings.namespace.isEmpty { return settings.namespace }
        return access.namespace ?? "default"
    }

    /// This host's name: in a peer Pod, the Pod's name.
    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "peer" }
        return String(cString: buffer)
    }
}
