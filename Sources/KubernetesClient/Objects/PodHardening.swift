/// The hardening of every Pod K8sVM creates (DESIGN decision 6), chaincode Pods and build Jobs alike: a non-root
/// user, a read-only root filesystem with an emptyDir `/tmp` that is also `HOME`, no privilege escalation, all
/// capabilities dropped, the runtime's seccomp profile, no service-account token and no service links.
public struct PodHardening: Sendable, Equatable {
    /// The volume and mount name of the writable `/tmp`.
    public static let tmpVolume = "tmp"
    /// The user (and group) every container runs as.
    public var runAsUser: Int

    public init(runAsUser: Int) {
        self.runAsUser = runAsUser
    }

    /// Hardens `spec` and each of its containers; `/tmp` comes first among volumes and mounts, `HOME` last among
    /// the variables.
    public func apply(to spec: inout PodSpec) {
        spec.automountServiceAccountToken = false
        spec.enableServiceLinks = false
        spec.securityContext = .object([
            "runAsNonRoot": .bool(true),
            "runAsUser": .integer(Int64(runAsUser)),
            "runAsGroup": .integer(Int64(runAsUser)),
            "seccompProfile": .object(["type": .string("RuntimeDefault")]),
        ])
        spec.volumes = [.object(["name": .string(Self.tmpVolume), "emptyDir": .object([:])])] + (spec.volumes ?? [])
        for index in spec.containers.indices {
            // HOME: the root filesystem is read-only, and npm, Java and Go write under HOME.
            spec.containers[index].env = (spec.containers[index].env ?? []) + [EnvVar(name: "HOME", value: "/tmp")]
            spec.containers[index].volumeMounts = [VolumeMount(name: Self.tmpVolume, mountPath: "/tmp")]
                + (spec.containers[index].volumeMounts ?? [])
            spec.containers[index].securityContext = .object([
                "allowPrivilegeEscalation": .bool(false),
                "readOnlyRootFilesystem": .bool(true),
                "runAsNonRoot": .bool(true),
                "capabilities": .object(["drop": .array([.string("ALL")])]),
            ])
        }
    }
}

/// A container's CPU and memory requests and limits as quantity strings (`100m`, `64Mi`); an empty one is left unset.
public struct ResourceQuantities: Sendable, Equatable {
    public var cpuRequest: String
    public var memoryRequest: String
    public var cpuLimit: String
    public var memoryLimit: String

    public init(cpuRequest: String = "", memoryRequest: String = "", cpuLimit: String = "", memoryLimit: String = "") {
        self.cpuRequest = cpuRequest
        self.memoryRequest = memoryRequest
        self.cpuLimit = cpuLimit
        self.memoryLimit = memoryLimit
    }

    /// `Container.resources`, or nil when nothing is set.
    public var json: JSONValue? {
        func quantities(_ pairs: [(String, String)]) -> JSONValue? {
            let given = pairs.filter { !$0.1.isEmpty }
            return given.isEmpty ? nil : .object(Dictionary(uniqueKeysWithValues: given.map { ($0.0, JSONValue.string($0.1)) }))
        }
        var members: [String: JSONValue] = [:]
        members["requests"] = quantities([("cpu", cpuRequest), ("memory", memoryRequest)])
        members["limits"] = quantities([("cpu", cpuLimit), ("memory", memoryLimit)])
        return members.isEmpty ? nil : .object(members)
    }
}
