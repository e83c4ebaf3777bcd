import K8sVMCore

/// Settings of the Kubernetes backend (`kubernetes.*`): where the API server is, where chaincode Pods go, and how they
/// look.
public struct KubernetesSettings: SettingsSection {
    public static let name = "kubernetes"

    /// A kubeconfig file; empty means client-go's lookup (`KUBECONFIG`, `~/.kube/config`, then in-cluster).
    public var kubeconfig = ""
    /// A kubeconfig context other than the current one.
    public var context = ""
    /// Where chaincode Pods run; empty means the context's namespace, else the service account's, else `default`.
    public var namespace = ""
    /// The peer's name, part of every chaincode Pod's name; empty means this host's name (a Pod's own name).
    public var peerName = ""
    /// The peer Pod's UID (downward API `metadata.uid`); when set, chaincode Pods are owned by the peer Pod.
    public var peerPodUID = ""
    /// The first part of chaincode Pod names.
    public var namePrefix = "cc"
    /// A YAML file whose `metadata` and `spec` are laid over every chaincode Pod (see README).
    public var podTemplate = ""
    /// How long a chaincode Pod may take to start running.
    public var startTimeout: Duration = .seconds(180)
    /// The grace period a stopped chaincode Pod is deleted with (the peer kills `run` 5 s after SIGTERM).
    public var stopGracePeriod: Duration = .seconds(3)
    /// The user chaincode containers run as (they never run as root).
    public var runAsUser = 1000
    /// `Always`, `IfNotPresent` or `Never`.
    public var imagePullPolicy = "IfNotPresent"
    /// Resource quantities of the chaincode container; empty leaves one unset.
    public var cpuRequest = "100m"
    public var memoryRequest = "64Mi"
    public var cpuLimit = ""
    public var memoryLimit = "512Mi"

    public init() {}

    public static let settings: [Setting<KubernetesSettings>] = [
        .text("kubeconfig", "a kubeconfig file (empty: $KUBECONFIG, ~/.kube/config, then in-cluster)", \.kubeconfig, allowEmpty: true),
        .text("context", "a kubeconfig context other than the current one", \.context, allowEmpty: true),
        .label("namespace", "where chaincode Pods run (empty: the context's or service account's namespace, else default)", \.namespace),
        .text("peerName", "the peer's name, part of chaincode Pod names (empty: this host's name)", \.peerName, allowEmpty: true),
        .text("peerPodUID", "the peer Pod's uid (downward API); set, it owns the chaincode Pods", \.peerPodUID, allowEmpty: true),
        .label("namePrefix", "the first part of chaincode Pod names", \.namePrefix, allowEmpty: false, maximumLength: 12),
        .text("podTemplate", "a YAML file laid over every chaincode Pod (metadata and spec, see README)", \.podTemplate, allowEmpty: true),
        .duration("startTimeout", "how long a chaincode Pod may take to start running", \.startTimeout),
        .duration("stopGracePeriod", "the grace period a stopped chaincode Pod is deleted with (the peer waits 5s)", \.stopGracePeriod),
        .parsed("runAsUser", "the uid chaincode containers run as (never 0)", \.runAsUser,
                problem: "is not a non-root uid (a number above 0)", parse: { Int($0).flatMap { $0 > 0 ? $0 : nil } },
                render: { String($0) }),
        .choice("imagePullPolicy", "when the node pulls the chaincode image", ["Always", "IfNotPresent", "Never"], \.imagePullPolicy),
        .quantity("cpuRequest", "CPU the chaincode container requests (empty: none)", \.cpuRequest),
        .quantity("memoryRequest", "memory the chaincode container requests (empty: none)", \.memoryRequest),
        .quantity("cpuLimit", "CPU limit of the chaincode container (empty: none)", \.cpuLimit),
        .quantity("memoryLimit", "memory limit of the chaincode container (empty: none)", \.memoryLimit),
    ]
}

extension Setting {
    /// A DNS-1123 label (a namespace, a name prefix), or empty where `allowEmpty`.
    static func label(_ key: String, _ help: String, _ field: WritableKeyPath<Section, String> & Sendable,
                      allowEmpty: Bool = true, maximumLength: Int = 63) -> Setting {
        parsed(key, help, field,
               problem: "is not a DNS-1123 label of at most \(maximumLength) characters (lower-case letters, digits, '-')",
               parse: { value in
                   (value.isEmpty && allowEmpty) || (KubernetesNames.isLabel(value) && value.count <= maximumLength) ? value : nil
               }, render: { quotedIfEmpty($0) })
    }

    /// A Kubernetes resource quantity (`100m`, `0.5`, `64Mi`, `1G`), or empty.
    static func quantity(_ key: String, _ help: String, _ field: WritableKeyPath<Section, String> & Sendable) -> Setting {
        parsed(key, help, field, problem: "is not a Kubernetes quantity (e.g. 100m, 0.5, 64Mi, 1Gi)",
               parse: { $0.isEmpty || KubernetesNames.isQuantity($0) ? $0 : nil }, render: { quotedIfEmpty($0) })
    }
}
