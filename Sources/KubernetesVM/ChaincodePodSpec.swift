import Foundation
import K8sVMCore
import KubernetesClient
import PeerContract

/// The chaincode Pod and its TLS Secret, as K8sVM sends them before an operator's pod template is laid over.
///
/// The Pod (DESIGN decision 6) runs the image by digest as a non-root user with a read-only root filesystem, an
/// emptyDir `/tmp`, no privilege escalation, no capabilities, the runtime's seccomp profile and no service-account
/// token; it is never restarted (the peer must see a dead chaincode and call `run` again). The Secret holds the
/// five TLS files every shim reads, mounted at `/etc/hyperledger/fabric` (fabric-contracts §2), and is owned by the
/// Pod so it cannot outlive it.
public struct ChaincodePodSpec: Sendable {
    /// Where the TLS Secret is mounted in the container.
    public static let tlsDirectory = "/etc/hyperledger/fabric"
    /// The container's name.
    public static let containerName = "chaincode"

    public let identity: ChaincodePodIdentity
    public let image: ImageReference
    /// The start arguments; `${VAR}` becomes the kubelet's `$(VAR)`, expanded from the container's variables, and
    /// any other `$` is escaped so that it arrives as written.
    public let arguments: [String]
    public let connection: PeerConnection
    public let settings: KubernetesSettings

    public init(identity: ChaincodePodIdentity, image: ImageReference, arguments: [String], connection: PeerConnection,
                settings: KubernetesSettings) {
        self.identity = identity
        self.image = image
        self.arguments = arguments
        self.connection = connection
        self.settings = settings
    }

    /// The shim's variables and files, with the files where the Secret is mounted.
    public var shimEnvironment: ShimEnvironment {
        ShimEnvironment(connection: connection, tlsDirectory: Self.tlsDirectory)
    }

    /// The Pod; throws when an argument names a variable the chaincode does not have.
    public func pod() throws -> Pod {
        var container = Container(name: Self.containerName, image: image.pinned)
        container.imagePullPolicy = settings.imagePullPolicy
        if !arguments.isEmpty {
            container.args = try shimEnvironment.rewriting(arguments, text: KubeletExpansion.literal,
                                                           reference: { name, _ in KubeletExpansion.reference(name) })
        }
        container.env = shimEnvironment.variables.map { EnvVar.literal($0.0, $0.1) }
        if connection.tls != nil {
            container.volumeMounts = [VolumeMount(name: "tls", mountPath: Self.tlsDirectory, readOnly: true)]
        }
        container.resources = ResourceQuantities(cpuRequest: settings.cpuRequest, memoryRequest: settings.memoryRequest,
                                                 cpuLimit: settings.cpuLimit, memoryLimit: settings.memoryLimit).json
        // On a non-zero exit with nothing in /dev/termination-log, the status carries the log's tail.
        container.terminationMessagePolicy = "FallbackToLogsOnError"

        var spec = PodSpec(containers: [container])
        spec.restartPolicy = "Never"
        spec.terminationGracePeriodSeconds = Int(settings.stopGracePeriod.components.seconds)
        if connection.tls != nil {
            spec.volumes = [.object(["name": .string("tls"),
                                     "secret": .object(["secretName": .string(identity.secretName), "defaultMode": .integer(0o444)])])]
        }
        PodHardening(runAsUser: settings.runAsUser).apply(to: &spec)

        var owners: [OwnerReference]?
        if !settings.peerPodUID.isEmpty, let peer = identity.annotations["k8svm.io/peer"] {
            owners = [OwnerReference(apiVersion: "v1", kind: "Pod", name: peer, uid: settings.peerPodUID)]
        }
        return Pod(metadata: ObjectMeta(name: identity.podName, labels: identity.labels, annotations: identity.annotations,
                                        ownerReferences: owners),
                   spec: spec)
    }

    /// The TLS Secret, owned by the Pod that was created (`podUID`). Nil when the peer runs without TLS.
    public func secret(podUID: String) -> Secret? {
        guard connection.tls != nil else { return nil }
        let owner = OwnerReference(apiVersion: "v1", kind: "Pod", name: identity.podName, uid: podUID,
                                   controller: true, blockOwnerDeletion: true)
        var secret = Secret(metadata: ObjectMeta(name: identity.secretName, labels: identity.labels, ownerReferences: [owner]),
                            data: shimEnvironment.files)
        secret.immutable = true
        return secret
    }
}
