import K8sVMCore

/// Settings of the local-process backend (`local.*`).
public struct LocalSettings: SettingsSection {
    public static let name = "local"

    /// The `go` command used to build `golang` packages (a name looked up in PATH, or a path).
    public var goCommand = "go"
    /// Where Go's build and module caches live; empty means `$TMPDIR/k8svm-go` (the peer passes no HOME).
    public var goCache = ""
    /// How long a local build may take before it is stopped.
    public var buildTimeout: Duration = .seconds(240)
    /// After SIGTERM, how long the chaincode gets before it is killed (the peer kills `run` 5 s after SIGTERM).
    public var stopGracePeriod: Duration = .seconds(4)

    public init() {}

    public static let settings: [Setting<LocalSettings>] = [
        .text("goCommand", "the go command that builds golang packages (a name in PATH, or a path)", \.goCommand, allowEmpty: false),
        .text("goCache", "where Go's build and module caches live (empty: $TMPDIR/k8svm-go)", \.goCache, allowEmpty: true),
        .duration("buildTimeout", "how long a build may take (the peer's installTimeout is 300s)", \.buildTimeout),
        .duration("stopGracePeriod", "after SIGTERM, how long the chaincode has before SIGKILL (the peer waits 5s)", \.stopGracePeriod),
    ]
}
