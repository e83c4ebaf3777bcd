extension Configuration {
    /// Settings of the Kubernetes backend's image builds: source packages become images in an OCI registry.
    public struct ImageBuild: Sendable, Equatable {
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

        public init() {}

        /// Where stage 1 runs.
        public enum Runner: String, Sendable, Equatable, CaseIterable {
            case job, docker
        }

        /// True when source packages can be built: a registry is configured.
        public var isEnabled: Bool { !registry.isEmpty }
    }

    static let imageBuildSettings: [Setting] = [
        text("build.registry", "the repository chaincode images are pushed to (empty: the kubernetes backend runs prebuilt images only)",
             \.build.registry, allowEmpty: true),
        text("build.builderImages", "where the ccenv and runtime images are (empty: k8svm on the registry's host)",
             \.build.builderImages, allowEmpty: true),
        text("build.registryCA", "a PEM file of CA certificates for the registry (empty: the system's)", \.build.registryCA, allowEmpty: true),
        flag("build.registryPlainHTTP", "speak plain HTTP to a registry that is not on loopback", \.build.registryPlainHTTP),
        text("build.dockerConfig", "a docker config.json with registry credentials (empty: $DOCKER_CONFIG, ~/.docker)",
             \.build.dockerConfig, allowEmpty: true),
        Setting(key: "build.runner", help: "where the compile runs: job | docker", assign: { configuration, value, origin in
            guard let runner = ImageBuild.Runner(rawValue: value.lowercased()) else {
                throw K8sVMError("\(origin): \"\(value)\" is not one of job, docker")
            }
            configuration.build.runner = runner
        }, render: { $0.build.runner.rawValue }),
        text("build.dockerSocket", "the Docker engine's unix socket (runner: docker)", \.build.dockerSocket, allowEmpty: false),
        text("build.exchangeAddress", "the address build containers reach this process at (a Job: the peer Pod's IP; empty: 127.0.0.1)",
             \.build.exchangeAddress, allowEmpty: true),
        duration("build.timeout", "how long the compile may take", \.build.timeout),
        flag("build.keepFailedJobs", "keep a failed build Job for inspection", \.build.keepFailedJobs),
        quantity("build.cpuRequest", "CPU the build container requests (empty: none)", \.build.cpuRequest),
        quantity("build.memoryRequest", "memory the build container requests (empty: none)", \.build.memoryRequest),
        quantity("build.cpuLimit", "CPU limit of the build container (empty: none)", \.build.cpuLimit),
        quantity("build.memoryLimit", "memory limit of the build container (empty: none)", \.build.memoryLimit),
    ]

    /// `true` or `false`.
    static func flag(_ key: String, _ help: String, _ field: WritableKeyPath<Configuration, Bool> & Sendable) -> Setting {
        Setting(key: key, help: help, assign: { configuration, value, origin in
            switch value.lowercased() {
            case "true", "yes", "1": configuration[keyPath: field] = true
            case "false", "no", "0": configuration[keyPath: field] = false
            default: throw K8sVMError("\(origin): \"\(value)\" is not true or false")
            }
        }, render: { String($0[keyPath: field]) })
    }
}
