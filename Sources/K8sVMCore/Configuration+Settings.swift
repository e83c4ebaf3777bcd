import Foundation

extension Configuration {
    /// One setting: its YAML key path, the variable that overrides it, and how to read and print it.
    struct Setting: Sendable {
        let key: String
        let help: String
        let assign: @Sendable (inout Configuration, String, String) throws -> Void
        let render: @Sendable (Configuration) -> String

        /// `local.goCommand` → `K8SVM_LOCAL_GO_COMMAND`.
        var variable: String {
            var name = "K8SVM_"
            for character in key {
                if character == "." {
                    name += "_"
                } else if character.isUppercase {
                    name += "_" + String(character)
                } else {
                    name += character.uppercased()
                }
            }
            return name
        }
    }

    static let settings: [Setting] = [
        Setting(key: "backend", help: "local | kubernetes | sandbox: where chaincode is built and run", assign: { configuration, value, origin in
            guard let backend = Backend(rawValue: value.lowercased()) else {
                throw K8sVMError("\(origin): unknown backend \"\(value)\" (one of: \(Backend.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            configuration.backend = backend
        }, render: { $0.backend.rawValue }),
        // sandbox.* — sandboxed builds and runs (backend: sandbox, k8svm sandbox …)
        text("sandbox.bwrapCommand", "the bubblewrap command (a name in PATH, or a path)", \.sandbox.bwrapCommand, allowEmpty: false),
        count("sandbox.hostUID", "when k8svm runs as root: the host uid and gid sandboxes run as (no other process should use it)",
              \.sandbox.hostUID),
        Setting(key: "sandbox.systemPaths", help: "host paths bound read-only into every sandbox, separated by ':' (the Swift runtime k8svm uses is added)",
                assign: { configuration, value, origin in
                    let paths = value.split(separator: ":").map(String.init)
                    guard !paths.isEmpty, paths.allSatisfy({ $0.hasPrefix("/") }) else {
                        throw K8sVMError("\(origin): \"\(value)\" must be absolute paths separated by ':'")
                    }
                    configuration.sandbox.systemPaths = paths
                }, render: { $0.sandbox.systemPaths.joined(separator: ":") }),
        duration("sandbox.cpuTime", "CPU time a sandboxed chaincode or build may use before it is killed", \.sandbox.cpuTime),
        byteSize("sandbox.memory", "address space of each sandboxed process", \.sandbox.memory),
        count("sandbox.processes", "processes and threads inside one sandbox", \.sandbox.processes),
        count("sandbox.openFiles", "open files per sandboxed process", \.sandbox.openFiles),
        byteSize("sandbox.fileSize", "largest file a sandboxed process may write", \.sandbox.fileSize),
        byteSize("sandbox.tmpSize", "size of the sandbox's private /tmp", \.sandbox.tmpSize),
        duration("sandbox.wallTimeout", "how long a sandboxed chaincode may run before it is killed", \.sandbox.wallTimeout),
        duration("sandbox.buildTimeout", "how long a sandboxed build may take", \.sandbox.buildTimeout),
        byteSize("sandbox.logBytes", "log bytes kept per sandboxed build and run; the rest is discarded", \.sandbox.logBytes),
        text("sandbox.workDirectory", "where sandboxed runs keep their files (every parent must be searchable by sandbox.hostUID)",
             \.sandbox.workDirectory, allowEmpty: false),
        // end of sandbox.*
        text("local.goCommand", "the go command that builds golang packages (a name in PATH, or a path)",
             \.local.goCommand, allowEmpty: false),
        text("local.goCache", "where Go's build and module caches live (empty: $TMPDIR/k8svm-go)",
             \.local.goCache, allowEmpty: true),
        duration("local.buildTimeout", "how long a build may take (the peer's installTimeout is 300s)",
                 \.local.buildTimeout),
        duration("local.stopGracePeriod", "after SIGTERM, how long the chaincode has before SIGKILL (the peer waits 5s)",
                 \.local.stopGracePeriod),
    ] + kubernetesSettings + imageBuildSettings

    private static let kubernetesSettings: [Setting] = [
        text("kubernetes.kubeconfig", "a kubeconfig file (empty: $KUBECONFIG, ~/.kube/config, then in-cluster)",
             \.kubernetes.kubeconfig, allowEmpty: true),
        text("kubernetes.context", "a kubeconfig context other than the current one", \.kubernetes.context, allowEmpty: true),
        name("kubernetes.namespace", "where chaincode Pods run (empty: the context's or service account's namespace, else default)",
             \.kubernetes.namespace),
        text("kubernetes.peerName", "the peer's name, part of chaincode Pod names (empty: this host's name)",
             \.kubernetes.peerName, allowEmpty: true),
        text("kubernetes.peerPodUID", "the peer Pod's uid (downward API); set, it owns the chaincode Pods",
             \.kubernetes.peerPodUID, allowEmpty: true),
        name("kubernetes.namePrefix", "the first part of chaincode Pod names", \.kubernetes.namePrefix, allowEmpty: false, maximumLength: 12),
        text("kubernetes.podTemplate", "a YAML file laid over every chaincode Pod (metadata and spec, see README)",
             \.kubernetes.podTemplate, allowEmpty: true),
        duration("kubernetes.startTimeout", "how long a chaincode Pod may take to start running", \.kubernetes.startTimeout),
        duration("kubernetes.stopGracePeriod", "the grace period a stopped chaincode Pod is deleted with (the peer waits 5s)",
                 \.kubernetes.stopGracePeriod),
        Setting(key: "kubernetes.runAsUser", help: "the uid chaincode containers run as (never 0)", assign: { configuration, value, origin in
            guard let uid = Int(value), uid > 0 else { throw K8sVMError("\(origin): \"\(value)\" is not a non-root uid (a number above 0)") }
            configuration.kubernetes.runAsUser = uid
        }, render: { String($0.kubernetes.runAsUser) }),
        choice("kubernetes.imagePullPolicy", "when the node pulls the chaincode image", ["Always", "IfNotPresent", "Never"],
               \.kubernetes.imagePullPolicy),
        quantity("kubernetes.cpuRequest", "CPU the chaincode container requests (empty: none)", \.kubernetes.cpuRequest),
        quantity("kubernetes.memoryRequest", "memory the chaincode container requests (empty: none)", \.kubernetes.memoryRequest),
        quantity("kubernetes.cpuLimit", "CPU limit of the chaincode container (empty: none)", \.kubernetes.cpuLimit),
        quantity("kubernetes.memoryLimit", "memory limit of the chaincode container (empty: none)", \.kubernetes.memoryLimit),
    ]

    /// A DNS-1123 label (a namespace, a name prefix), or empty where `allowEmpty`.
    private static func name(_ key: String, _ help: String, _ field: WritableKeyPath<Configuration, String> & Sendable,
                             allowEmpty: Bool = true, maximumLength: Int = 63) -> Setting {
        Setting(key: key, help: help, assign: { configuration, value, origin in
            if value.isEmpty, allowEmpty {
                configuration[keyPath: field] = value
                return
            }
            guard KubernetesNames.isLabel(value), value.count <= maximumLength else {
                throw K8sVMError("\(origin): \"\(value)\" is not a DNS-1123 label of at most \(maximumLength) characters (lower-case letters, digits, '-')")
            }
            configuration[keyPath: field] = value
        }, render: { $0[keyPath: field].isEmpty ? "\"\"" : $0[keyPath: field] })
    }

    private static func choice(_ key: String, _ help: String, _ choices: [String],
                               _ field: WritableKeyPath<Configuration, String> & Sendable) -> Setting {
        Setting(key: key, help: "\(help): \(choices.joined(separator: " | "))", assign: { configuration, value, origin in
            guard let chosen = choices.first(where: { $0.lowercased() == value.lowercased() }) else {
                throw K8sVMError("\(origin): \"\(value)\" is not one of \(choices.joined(separator: ", "))")
            }
            configuration[keyPath: field] = chosen
        }, render: { $0[keyPath: field] })
    }

    /// A Kubernetes resource quantity (`100m`, `0.5`, `64Mi`, `1G`), or empty.
    static func quantity(_ key: String, _ help: String, _ field: WritableKeyPath<Configuration, String> & Sendable) -> Setting {
        Setting(key: key, help: help, assign: { configuration, value, origin in
            guard value.isEmpty || KubernetesNames.isQuantity(value) else {
                throw K8sVMError("\(origin): \"\(value)\" is not a Kubernetes quantity (e.g. 100m, 0.5, 64Mi, 1Gi)")
            }
            configuration[keyPath: field] = value
        }, render: { $0[keyPath: field].isEmpty ? "\"\"" : $0[keyPath: field] })
    }

    static func text(_ key: String, _ help: String, _ field: WritableKeyPath<Configuration, String> & Sendable, allowEmpty: Bool) -> Setting {
        Setting(key: key, help: help, assign: { configuration, value, origin in
            if !allowEmpty, value.isEmpty { throw K8sVMError("\(origin): must not be empty") }
            configuration[keyPath: field] = value
        }, render: { $0[keyPath: field].isEmpty ? "\"\"" : $0[keyPath: field] })
    }

    static func duration(_ key: String, _ help: String, _ field: WritableKeyPath<Configuration, Duration> & Sendable) -> Setting {
        Setting(key: key, help: help, assign: { configuration, value, origin in
            guard let parsed = Duration(configValue: value) else {
                throw K8sVMError("\(origin): \"\(value)\" is not a duration (use e.g. 500ms, 30s, 5m)")
            }
            configuration[keyPath: field] = parsed
        }, render: { $0[keyPath: field].configValue })
    }
}

extension Configuration {
    /// A `k8svm.yaml` for `install-builder`: every setting, commented out at its default, with what it does.
    public static func commentedTemplate(backend: Backend) -> String {
        var defaults = Configuration()
        defaults.backend = backend
        var lines = [
            "# k8svm external builder configuration.",
            "# Every setting can be overridden by its K8SVM_* environment variable (list them in the peer's",
            "# propagateEnvironment to pass them through). Unknown keys are errors.",
            "",
            "# \(settings[0].help)",
            "backend: \(backend.rawValue)",
        ]
        var section = ""
        for setting in settings.dropFirst() {
            let parts = setting.key.split(separator: ".")
            if String(parts[0]) != section {
                section = String(parts[0])
                lines += ["", "# \(section):"]
            }
            lines += ["#   # \(setting.help) ($\(setting.variable))", "#   \(parts.last!): \(setting.render(defaults))"]
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
