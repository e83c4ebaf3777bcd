import K8sVMCore

/// Settings of the Kubernetes backend's image builds (`build.*`): source packages become images in an OCI registry.
public struct ImageBuildSettings: SettingsSection {
    public static let name = "build"

    /// The repository chaincode images are pushed to (`registry.example.com/fabric/chaincode`); empty means the
    /// kubernetes backend builds no source packages and runs prebuilt images only.
    public var registry = ""
    /// Where the ccenv and runtime images are (`<host>/k8svm`, as `builder-images/build.sh` pushes them); empty
    /// means `k8svm` on the registry's host.
    public var builderImages = ""
    /// A PEM file of CA certificates the registry's TLS certificate is checked against (empty: the system's).
    public var registryCA = ""
    /// Speak plain HTTP to the registry. Loopback registries always may; any other only when this is set.
    public var registryPlainHTTP = false
    /// A docker `config.json` with registry credentials (empty: `$DOCKER_CONFIG/config.json`, `~/.docker/config.json`).
    public var dockerConfig = ""
    /// Where stage 1 (the compile) runs: a Kubernetes Job, or the local Docker engine.
    public var runner = Runner.job
    /// The Docker engine's unix socket, for `runner: docker`.
    public var dockerSocket = "/var/run/docker.sock"
    /// The address build containers reach this process at, to fetch the source and send back the output (the
    /// peer Pod's IP for Jobs); empty means 127.0.0.1, which only the Docker runner's host network can reach.
    public var exchangeAddress = ""
    /// How long stage 1 may take (the peer stops `build` after its installTimeout, 300s by default).
    public var timeout: Duration = .seconds(240)
    /// Keep a failed build Job (and its Pod's log) for inspection instead of deleting it.
    public var keepFailedJobs = false
    /// Resource quantities of the build container; empty leaves one unset.
    public var cpuRequest = "500m"
    public var memoryRequest = "512Mi"
    public var cpuLimit = ""
    public var memoryLimit = "2Gi"
    /// A PersistentVolumeClaim mounted into every build Job for the language caches (empty: none).
    public var cacheVolumeClaim = ""
    /// A Docker named volume for the language caches (runner: docker; empty: none).
    public var dockerCacheVolume = ""
    /// A YAML file laid over every build Job's Pod (`PodTemplate`, container `build`; empty: none).
    public var podTemplate = ""

    public init() {}

    /// Where stage 1 runs.
    public enum Runner: String, Sendable, Equatable, CaseIterable {
        case job, docker
    }

    /// True when source packages can be built: a registry is configured.
    public var isEnabled: Bool { !registry.isEmpty }

    public static let settings: [Setting<ImageBuildSettings>] = [
        .text("registry", "the repository chaincode images are pushed to (empty: the kubernetes backend runs prebuilt images only)",
              \.registry, allowEmpty: true),
        .text("builderImages", "where the ccenv and runtime images are (empty: k8svm on the registry's host)", \.builderImages,
              allowEmpty: true),
        .text("registryCA", "a PEM file of CA certificates for the registry (empty: the system's)", \.registryCA, allowEmpty: true),
        .flag("registryPlainHTTP", "speak plain HTTP to a registry that is not on loopback", \.registryPlainHTTP),
        .text("dockerConfig", "a docker config.json with registry credentials (empty: $DOCKER_CONFIG, ~/.docker)", \.dockerConfig,
              allowEmpty: true),
        .choice("runner", "where the compile runs", \.runner),
        .text("dockerSocket", "the Docker engine's unix socket (runner: docker)", \.dockerSocket, allowEmpty: false),
        .text("exchangeAddress", "the address build containers reach this process at (a Job: the peer Pod's IP; empty: 127.0.0.1)",
              \.exchangeAddress, allowEmpty: true),
        .duration("timeout", "how long the compile may take", \.timeout),
        .flag("keepFailedJobs", "keep a failed build Job for inspection", \.keepFailedJobs),
        .quantity("cpuRequest", "CPU the build container requests (empty: none)", \.cpuRequest),
        .quantity("memoryRequest", "memory the build container requests (empty: none)", \.memoryRequest),
        .quantity("cpuLimit", "CPU limit of the build container (empty: none)", \.cpuLimit),
        .quantity("memoryLimit", "memory limit of the build container (empty: none)", \.memoryLimit),
        .text("cacheVolumeClaim", "a PersistentVolumeClaim (ReadWriteMany for builds on several nodes) mounted into every build Job at /cache: Go's build and module caches, npm's cache and Maven's repository persist between builds (empty: every build starts cold)",
              \.cacheVolumeClaim, allowEmpty: true),
        .text("dockerCacheVolume", "a Docker named volume for the same caches (runner: docker; empty: every build starts cold)",
              \.dockerCacheVolume, allowEmpty: true),
        .text("podTemplate", "a YAML file laid over every build Job's Pod (metadata and spec as for kubernetes.podTemplate; the container is named build)",
              \.podTemplate, allowEmpty: true),
    ]
}
