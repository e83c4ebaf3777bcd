/// What stage 2 changes in the runtime base's configuration. Nil leaves the base's value; `labels` and `environment`
/// are merged over the base's (a variable of the same name is replaced).
public struct ImageConfigChanges: Sendable, Equatable {
    public var entrypoint: [String]?
    public var cmd: [String]?
    public var user: String?
    public var workingDir: String?
    public var labels: [String: String]
    public var environment: [String: String]

    public init(entrypoint: [String]? = nil, cmd: [String]? = nil, user: String? = nil, workingDir: String? = nil,
                labels: [String: String] = [:], environment: [String: String] = [:]) {
        self.entrypoint = entrypoint
        self.cmd = cmd
        self.user = user
        self.workingDir = workingDir
        self.labels = labels
        self.environment = environment
    }
}
