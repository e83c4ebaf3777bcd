/// A Pod: the typed subset K8sVM sends and reads. Parts it passes through for an operator (affinity,
/// tolerations, extra volumes) are kept as JSON.
public struct Pod: KubernetesResource, Equatable {
    public static let apiVersion = "v1"
    public static let kind = "Pod"
    public static let plural = "pods"

    /// Set on what K8sVM sends; list items come without it.
    public var apiVersion: String? = Pod.apiVersion
    public var kind: String? = Pod.kind
    public var metadata: ObjectMeta
    public var spec: PodSpec?
    public var status: PodStatus?

    public init(metadata: ObjectMeta, spec: PodSpec) {
        self.metadata = metadata
        self.spec = spec
    }
}

/// `Pod.spec`.
public struct PodSpec: Codable, Sendable, Equatable {
    public var containers: [Container]
    public var volumes: [JSONValue]?
    public var restartPolicy: String?
    public var terminationGracePeriodSeconds: Int?
    public var activeDeadlineSeconds: Int?
    public var securityContext: JSONValue?
    public var automountServiceAccountToken: Bool?
    public var enableServiceLinks: Bool?
    public var serviceAccountName: String?
    public var nodeName: String?

    public init(containers: [Container]) {
        self.containers = containers
    }
}

/// One container of a Pod.
public struct Container: Codable, Sendable, Equatable {
    public var name: String
    public var image: String?
    public var imagePullPolicy: String?
    public var command: [String]?
    public var args: [String]?
    public var workingDir: String?
    public var env: [EnvVar]?
    public var resources: JSONValue?
    public var volumeMounts: [VolumeMount]?
    public var securityContext: JSONValue?
    public var terminationMessagePolicy: String?

    public init(name: String, image: String) {
        self.name = name
        self.image = image
    }
}

/// A container variable: a value (in which the kubelet expands `$(NAME)`, see `KubeletExpansion`), or one read from
/// the Pod itself.
public struct EnvVar: Codable, Sendable, Equatable {
    public var name: String
    public var value: String?
    public var valueFrom: JSONValue?

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// A variable whose value reaches the process exactly as `value` is written.
    public static func literal(_ name: String, _ value: String) -> EnvVar {
        EnvVar(name: name, value: KubeletExpansion.literal(value))
    }
}

/// Where a volume appears in a container.
public struct VolumeMount: Codable, Sendable, Equatable {
    public var name: String
    public var mountPath: String
    public var readOnly: Bool?

    public init(name: String, mountPath: String, readOnly: Bool? = nil) {
        self.name = name
        self.mountPath = mountPath
        self.readOnly = readOnly
    }
}

/// `Pod.status`: phase, conditions and what each container is doing.
public struct PodStatus: Codable, Sendable, Equatable {
    public var phase: String?
    public var reason: String?
    public var message: String?
    public var podIP: String?
    public var conditions: [PodCondition]?
    public var containerStatuses: [ContainerStatus]?
}

/// One of a Pod's conditions (`PodScheduled`, `Ready`, …).
public struct PodCondition: Codable, Sendable, Equatable {
    public var type: String
    public var status: String
    public var reason: String?
    public var message: String?
}

/// What one container is doing, and what it last did.
public struct ContainerStatus: Codable, Sendable, Equatable {
    public var name: String
    public var state: ContainerState?
    public var lastState: ContainerState?
    public var ready: Bool?
    public var started: Bool?
    public var restartCount: Int?
    public var image: String?
    public var imageID: String?
}

/// Exactly one of waiting, running or terminated is set.
public struct ContainerState: Codable, Sendable, Equatable {
    /// A container not yet running: `ContainerCreating`, `ErrImagePull`, `ImagePullBackOff`, …
    public struct Waiting: Codable, Sendable, Equatable {
        public var reason: String?
        public var message: String?
    }

    /// A running container.
    public struct Running: Codable, Sendable, Equatable {
        public var startedAt: String?
    }

    /// A container that ended: its exit code, and `Completed`, `Error` or `OOMKilled`.
    public struct Terminated: Codable, Sendable, Equatable {
        public var exitCode: Int32
        public var signal: Int32?
        public var reason: String?
        public var message: String?
        public var startedAt: String?
        public var finishedAt: String?
    }

    public var waiting: Waiting?
    public var running: Running?
    public var terminated: Terminated?
}
