import Foundation
import Yams

/// K8sVM's effective settings: defaults, then the YAML file, then `K8SVM_*` environment variables.
///
/// Every setting has one YAML key path (`local.goCommand`) and one variable derived from it
/// (`K8SVM_LOCAL_GO_COMMAND`). An unknown key or variable, or a value of the wrong form, is an error naming it.
public struct Configuration: Sendable, Equatable {
    public var backend: Backend = .local
    /// Settings of the local-process backend.
    public var local = Local()
    /// Settings of the Kubernetes backend.
    public var kubernetes = Kubernetes()
    /// Settings of sandboxed builds and runs.
    public var sandbox = Sandbox()
    /// Settings of the Kubernetes backend's image builds.
    public var build = ImageBuild()

    /// Settings of the local-process backend.
    public struct Local: Sendable, Equatable {
        /// The `go` command used to build `golang` packages (a name looked up in PATH, or a path).
        public var goCommand = "go"
        /// Where Go's build and module caches live; empty means `$TMPDIR/k8svm-go` (the peer passes no HOME).
        public var goCache = ""
        /// How long a local build may take before it is stopped.
        public var buildTimeout: Duration = .seconds(240)
        /// After SIGTERM, how long the chaincode gets before it is killed (the peer kills `run` 5 s after SIGTERM).
        public var stopGracePeriod: Duration = .seconds(4)

        public init() {}
    }

    /// Settings of the Kubernetes backend: where the API server is, where chaincode Pods go, and how they look.
    public struct Kubernetes: Sendable, Equatable {
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
    }

    public init() {}

    /// Where a value came from, for `k8svm config show`.
    public enum Source: Equatable, Sendable, CustomStringConvertible {
        case defaultValue, file(String), environment(String)
        public var description: String {
            switch self {
            case .defaultValue: "default"
            case .file(let path): path
            case .environment(let name): "$\(name)"
            }
        }
    }

    /// The source of each setting, keyed by YAML key path.
    public private(set) var sources: [String: Source] = [:]

    /// Variables with the `K8SVM_` prefix that are not settings but are read elsewhere.
    public static let reservedVariables: Set<String> = ["K8SVM_CONFIG"]
    /// Prefixes of variables that belong to the test suite, not to K8sVM.
    public static let reservedVariablePrefixes = ["K8SVM_TEST_"]

    /// Loads the effective configuration.
    /// - Parameters:
    ///   - builderDirectory: the builder's root (the parent of `bin/`), where `k8svm.yaml` is looked for.
    ///   - environment: the process environment.
    public static func load(builderDirectory: String?, environment: [String: String]) throws -> Configuration {
        var configuration = Configuration()
        if let explicit = environment["K8SVM_CONFIG"], !explicit.isEmpty {
            guard let data = FileManager.default.contents(atPath: explicit) else {
                throw K8sVMError("K8SVM_CONFIG: cannot read \(explicit)")
            }
            try configuration.apply(yaml: String(decoding: data, as: UTF8.self), source: explicit)
        } else if let builderDirectory {
            let file = builderDirectory + "/k8svm.yaml"
            if let data = FileManager.default.contents(atPath: file) {
                try configuration.apply(yaml: String(decoding: data, as: UTF8.self), source: file)
            }
        }
        try configuration.apply(environment: environment)
        return configuration
    }

    /// Applies a YAML document on top of the current values.
    ///
    /// Scalars are read as plain strings (Yams' basic resolver): each setting parses its own value, and the default
    /// resolver's regular expressions would cost every `detect` several milliseconds of ICU start-up.
    public mutating func apply(yaml text: String, source: String) throws {
        let document: Node?
        do {
            document = try Yams.compose(yaml: text, .basic)
        } catch {
            throw K8sVMError("\(source): not valid YAML: \(error)")
        }
        guard let document else { return }
        guard case .mapping(let root) = document else {
            throw K8sVMError("\(source): the top level must be a mapping of settings")
        }
        try apply(mapping: root, prefix: "", source: source)
    }

    private mutating func apply(mapping: Node.Mapping, prefix: String, source: String) throws {
        for (keyNode, value) in mapping {
            let path = prefix + (keyNode.string ?? "")
            let isSection = Self.settings.contains(where: { $0.key.hasPrefix(path + ".") })
            switch value {
            case .mapping(let nested):
                guard isSection else { throw K8sVMError("\(source): unknown key \"\(path)\"") }
                try apply(mapping: nested, prefix: path + ".", source: source)
            case .scalar(let scalar):
                if isSection {
                    // `local:` with nothing under it is an empty section.
                    guard scalar.string.isEmpty else { throw K8sVMError("\(source): \"\(path)\" must be a mapping") }
                    continue
                }
                guard let setting = Self.settings.first(where: { $0.key == path }) else {
                    throw K8sVMError("\(source): unknown key \"\(path)\"")
                }
                try setting.assign(&self, scalar.string, "\(source): \"\(path)\"")
                sources[path] = .file(source)
            case .sequence, .alias:
                guard isSection || Self.settings.contains(where: { $0.key == path }) else {
                    throw K8sVMError("\(source): unknown key \"\(path)\"")
                }
                throw K8sVMError("\(source): \"\(path)\" must be a single value")
            }
        }
    }

    /// Applies `K8SVM_*` variables; an unknown one is an error naming it.
    public mutating func apply(environment: [String: String]) throws {
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix("K8SVM_") {
            if Self.reservedVariables.contains(name) || Self.reservedVariablePrefixes.contains(where: name.hasPrefix) {
                continue
            }
            guard let setting = Self.settings.first(where: { $0.variable == name }) else {
                throw K8sVMError("unknown environment variable \(name) (settings: \(Self.settings.map(\.variable).joined(separator: ", ")))")
            }
            try setting.assign(&self, value, name)
            sources[setting.key] = .environment(name)
        }
    }

    /// The effective settings as YAML, each line commented with where its value came from.
    public func rendered() -> String {
        var lines: [String] = []
        var section = ""
        for setting in Self.settings {
            let parts = setting.key.split(separator: ".")
            let indent = parts.count > 1 ? "  " : ""
            if parts.count > 1, String(parts[0]) != section {
                section = String(parts[0])
                lines.append("\(section):")
            }
            let source = sources[setting.key] ?? .defaultValue
            lines.append("\(indent)\(parts.last!): \(setting.render(self))  # \(source)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
