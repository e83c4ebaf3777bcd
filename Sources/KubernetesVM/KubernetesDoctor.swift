import K8sVMCore
import KubernetesClient

/// `k8svm doctor` for the Kubernetes backend: can `run` reach the API server, is it who it thinks it is, and may it
/// do everything it needs to in its namespace (asked with SelfSubjectAccessReviews, so nothing is created).
public struct KubernetesDoctor: Sendable {
    /// One finding.
    public struct Check: Sendable, Equatable {
        public var passed: Bool
        public var what: String
        /// A finding that limits what works without making the configuration unusable (a language without its
        /// builder images); it does not fail `doctor`.
        public var warning = false
    }

    /// An API permission `run` or `build` relies on.
    public struct Permission: Sendable, Equatable {
        public var verb: String
        public var group: String?
        public var resource: String
        public var subresource: String?

        public init(verb: String, group: String? = nil, resource: String, subresource: String? = nil) {
            self.verb = verb
            self.group = group
            self.resource = resource
            self.subresource = subresource
        }

        public var description: String {
            "\(verb) \(group.map { $0 + "/" } ?? "")\(resource)\(subresource.map { "/\($0)" } ?? "")"
        }
    }

    /// What `run` does: create, watch, read logs of and delete Pods; create and delete their Secrets; read Events to
    /// explain a Pod that does not start.
    public static let runPermissions: [Permission] = [
        Permission(verb: "create", resource: "pods"), Permission(verb: "get", resource: "pods"),
        Permission(verb: "watch", resource: "pods"), Permission(verb: "delete", resource: "pods"),
        Permission(verb: "get", resource: "pods", subresource: "log"),
        Permission(verb: "create", resource: "secrets"), Permission(verb: "delete", resource: "secrets"),
        Permission(verb: "list", resource: "events"),
    ]

    /// What `build` adds with `build.runner: job`: create, watch and delete the build Job (its Pod's watch and log are
    /// among `runPermissions`).
    public static let buildJobPermissions: [Permission] = ["create", "get", "watch", "delete"].map {
        Permission(verb: $0, group: "batch", resource: "jobs")
    }

    public let settings: KubernetesSettings
    public let imageBuild: ImageBuildSettings
    public let environment: [String: String]

    public init(settings: KubernetesSettings, imageBuild: ImageBuildSettings = .init(),
                environment: [String: String]) {
        self.settings = settings
        self.imageBuild = imageBuild
        self.environment = environment
    }

    /// The permissions this configuration needs.
    var permissions: [Permission] {
        Self.runPermissions + (imageBuild.isEnabled && imageBuild.runner == .job ? Self.buildJobPermissions : [])
    }

    /// Runs every check; stops early only when a later one cannot mean anything.
    public func run() async -> [Check] {
        var checks: [Check] = []
        guard let client = templateAndClient(&checks) else { return checks }
        checks += await clusterChecks(client)
        await client.shutdown()
        if imageBuild.isEnabled {
            checks += await SourceImageBuild(settings: imageBuild, kubernetes: settings, environment: environment,
                                             log: { _ in }).doctorChecks()
        }
        return checks
    }

    private func templateAndClient(_ checks: inout [Check]) -> KubernetesClient? {
        do {
            if try PodTemplate.configured(settings.podTemplate, setting: "kubernetes.podTemplate",
                                          containerName: ChaincodePodSpec.containerName) != nil {
                checks.append(Check(passed: true, what: "pod template \(settings.podTemplate) is usable"))
            }
        } catch {
            checks.append(Check(passed: false, what: "\(error)"))
        }
        do {
            return try KubernetesVM.client(settings, environment: environment)
        } catch {
            checks.append(Check(passed: false, what: "\(error)"))
            return nil
        }
    }

    private func clusterChecks(_ client: KubernetesClient) async -> [Check] {
        var checks: [Check] = []
        let namespace = KubernetesVM.namespace(settings, client.access)
        checks.append(Check(passed: true, what: "API server \(client.access.server), namespace \(namespace), authenticating with \(client.access.credentials.summary)"))
        do {
            let version = try await client.serverVersion()
            checks.append(Check(passed: true, what: "API server reachable: Kubernetes \(version)"))
        } catch {
            return checks + [Check(passed: false, what: "API server not reachable: \(error)")]
        }
        for permission in permissions {
            do {
                let answer = try await client.review(.init(namespace: namespace, verb: permission.verb, group: permission.group,
                                                           resource: permission.resource, subresource: permission.subresource))
                checks.append(Check(passed: answer.allowed,
                                    what: answer.allowed ? "may \(permission.description) in \(namespace)"
                                                         : "missing permission: \(permission.description) in namespace \(namespace) (see manifests/rbac.yaml)"))
            } catch let error as KubernetesError where error.kind == .unauthorized {
                return checks + [Check(passed: false, what: "the API server does not accept these credentials: \(error)")]
            } catch {
                checks.append(Check(passed: false, what: "cannot ask whether we may \(permission.description): \(error)"))
            }
        }
        return checks
    }
}

extension ClusterAccess.Credentials {
    /// How requests authenticate, without the secret itself.
    var summary: String {
        switch self {
        case .none: "no credentials"
        case .bearer(.file(let path)): "the bearer token in \(path)"
        case .bearer(.literal): "a bearer token"
        case .basic(let username, _): "basic auth as \(username)"
        case .clientCertificate: "a client certificate"
        }
    }
}
