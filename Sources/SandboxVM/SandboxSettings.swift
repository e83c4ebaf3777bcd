import K8sVMCore

/// Settings of sandboxed builds and runs (`sandbox.*`: `backend: sandbox`, `k8svm sandbox …`): how bubblewrap is
/// started and the limits every sandboxed build and chaincode runs under.
public struct SandboxSettings: SettingsSection {
    public static let name = "sandbox"

    /// The bubblewrap command (a name in PATH, or a path).
    public var bwrapCommand = "bwrap"
    /// The `go` command sandboxed builds of `golang` packages run (a name in PATH, or a path inside `systemPaths`).
    public var goCommand = "go"
    /// When k8svm runs as root, the host uid and gid the sandbox runs as (so the process limit applies to it).
    public var hostUID = 62000
    /// System paths bound read-only into the sandbox, besides the chaincode itself.
    public var systemPaths = ["/usr", "/etc/ld.so.cache", "/etc/alternatives"]
    /// CPU time a chaincode (or build) may use before the kernel kills it.
    public var cpuTime: Duration = .seconds(60)
    /// Address space of each sandboxed process, in bytes.
    public var memory = 4 << 30
    /// Processes and threads inside one sandbox.
    public var processes = 128
    /// Open files per process.
    public var openFiles = 256
    /// Largest file a sandboxed process may write, in bytes.
    public var fileSize = 64 << 20
    /// Size of the sandbox's private /tmp, in bytes.
    public var tmpSize = 64 << 20
    /// Wall-clock time a sandboxed chaincode may run before it is killed.
    public var wallTimeout: Duration = .seconds(900)
    /// Wall-clock time a sandboxed build may take.
    public var buildTimeout: Duration = .seconds(300)
    /// Where sandboxed runs keep their files; every parent directory must be searchable by `hostUID`.
    public var workDirectory = "/tmp/k8svm-sandbox"
    /// Log bytes kept per run (build and chaincode); more output is discarded.
    public var logBytes = 1 << 20

    public init() {}

    public static let settings: [Setting<SandboxSettings>] = [
        .text("bwrapCommand", "the bubblewrap command (a name in PATH, or a path)", \.bwrapCommand, allowEmpty: false),
        .text("goCommand", "the go command sandboxed builds run (a name in PATH, or a path inside systemPaths)", \.goCommand,
              allowEmpty: false),
        .count("hostUID", "when k8svm runs as root: the host uid and gid sandboxes run as (no other process should use it)",
               \.hostUID),
        Setting("systemPaths", help: "host paths bound read-only into every sandbox, separated by ':' (the Swift runtime k8svm uses is added)",
                assign: { settings, value, origin in
                    let paths = value.split(separator: ":").map(String.init)
                    guard !paths.isEmpty, paths.allSatisfy({ $0.hasPrefix("/") }) else {
                        throw K8sVMError("\(origin): \"\(value)\" must be absolute paths separated by ':'")
                    }
                    settings.systemPaths = paths
                }, render: { $0.systemPaths.joined(separator: ":") }),
        .duration("cpuTime", "CPU time a sandboxed chaincode or build may use before it is killed", \.cpuTime),
        .byteSize("memory", "address space of each sandboxed process", \.memory),
        .count("processes", "processes and threads inside one sandbox", \.processes),
        .count("openFiles", "open files per sandboxed process", \.openFiles),
        .byteSize("fileSize", "largest file a sandboxed process may write", \.fileSize),
        .byteSize("tmpSize", "size of the sandbox's private /tmp", \.tmpSize),
        .duration("wallTimeout", "how long a sandboxed chaincode may run before it is killed", \.wallTimeout),
        .duration("buildTimeout", "how long a sandboxed build may take", \.buildTimeout),
        .byteSize("logBytes", "log bytes kept per sandboxed build and run; the rest is discarded", \.logBytes),
        .text("workDirectory", "where sandboxed runs keep their files (every parent must be searchable by sandbox.hostUID)",
              \.workDirectory, allowEmpty: false),
    ]
}
