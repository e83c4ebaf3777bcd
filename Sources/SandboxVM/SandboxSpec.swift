import Foundation
import K8sVMCore

/// One sandbox: what it sees, its environment, the limits, the relay to the peer, and the command its init runs.
public struct SandboxSpec: Sendable {
    /// A host path and where it appears inside.
    public struct Mount: Sendable, Equatable {
        public var host: String
        public var inside: String
        public var writable: Bool

        public init(host: String, inside: String, writable: Bool = false) {
            self.host = host
            self.inside = inside
            self.writable = writable
        }
    }

    /// The relay's in-sandbox listener (127.0.0.1:port) and the unix socket it forwards to (an inside path).
    public struct Relay: Sendable, Equatable {
        public var port: Int
        public var socket: String

        public init(port: Int, socket: String) {
            self.port = port
            self.socket = socket
        }
    }

    /// Where k8svm itself appears inside every sandbox, under the name that makes it the sandbox's init.
    public static let helperPath = "/.k8svm/" + SandboxInit.programName

    public var mounts: [Mount]
    public var environment: [String: String]
    public var workingDirectory: String
    public var limits: SandboxLimits
    public var relay: Relay?
    /// The program (an inside path) and its arguments.
    public var command: [String]

    public init(mounts: [Mount], environment: [String: String], workingDirectory: String, limits: SandboxLimits,
                relay: Relay? = nil, command: [String]) {
        self.mounts = mounts
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.limits = limits
        self.relay = relay
        self.command = command
    }

    /// bubblewrap's arguments: every namespace unshared (network included: only a loopback interface), a new session,
    /// no capabilities, an unprivileged uid, read-only system paths and helper, private /proc, /dev and a size-capped
    /// /tmp, the mounts, a cleared environment; then k8svm's init, which applies the limits and runs `command`.
    public func bubblewrapArguments(host: SandboxHost) -> [String] {
        var arguments = ["--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
                         "--uid", "1000", "--gid", "1000", "--hostname", "sandbox", "--clearenv"]
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) { arguments += ["--setenv", name, value] }
        let files = FileManager.default
        for path in host.systemPaths where files.fileExists(atPath: path) {
            arguments += ["--ro-bind", path, path]
        }
        // A merged-/usr host's /bin, /lib, ... are links into /usr: the same links inside.
        for link in ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"] {
            if let target = try? files.destinationOfSymbolicLink(atPath: link), !host.systemPaths.contains(link) {
                arguments += ["--symlink", target, link]
            }
        }
        arguments += ["--proc", "/proc", "--dev", "/dev", "--size", String(host.settings.tmpSize), "--tmpfs", "/tmp",
                      "--ro-bind", host.helper, Self.helperPath]
        for mount in mounts { arguments += [mount.writable ? "--bind" : "--ro-bind", mount.host, mount.inside] }
        // The root itself (a tmpfs holding the mount points) is read-only too: only /tmp and writable mounts take writes.
        arguments += ["--remount-ro", "/"]
        return arguments + ["--chdir", workingDirectory, "--", Self.helperPath]
            + SandboxInit(limits: limits, relay: relay, command: command).arguments
    }
}
