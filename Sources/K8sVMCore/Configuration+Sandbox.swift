import Foundation

extension Configuration {
    /// Settings of sandboxed runs (`backend: sandbox`, `k8svm sandbox …`): how bubblewrap is started and the limits
    /// every sandboxed build and chaincode runs under.
    public struct Sandbox: Sendable, Equatable {
        /// The bubblewrap command (a name in PATH, or a path).
        public var bwrapCommand = "bwrap"
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
    }

    /// A whole number of at least `minimum`.
    static func count(_ key: String, _ help: String, _ field: WritableKeyPath<Configuration, Int> & Sendable, minimum: Int = 1) -> Setting {
        Setting(key: key, help: help, assign: { configuration, value, origin in
            guard let parsed = Int(value), parsed >= minimum else {
                throw K8sVMError("\(origin): \"\(value)\" is not a whole number of at least \(minimum)")
            }
            configuration[keyPath: field] = parsed
        }, render: { String($0[keyPath: field]) })
    }

    /// A size in bytes with an optional K, M or G suffix (powers of 1024).
    static func byteSize(_ key: String, _ help: String, _ field: WritableKeyPath<Configuration, Int> & Sendable) -> Setting {
        Setting(key: key, help: help, assign: { configuration, value, origin in
            guard let parsed = parseByteSize(value) else {
                throw K8sVMError("\(origin): \"\(value)\" is not a size (use e.g. 65536, 512K, 64M, 2G)")
            }
            configuration[keyPath: field] = parsed
        }, render: { renderByteSize($0[keyPath: field]) })
    }

    static let byteSuffixes: [(String, Int)] = [("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)]

    static func parseByteSize(_ text: String) -> Int? {
        let upper = text.uppercased()
        for (suffix, unit) in byteSuffixes where upper.hasSuffix(suffix) {
            guard let number = Int(upper.dropLast()), number > 0, number <= Int.max / unit else { return nil }
            return number * unit
        }
        return Int(upper).flatMap { $0 > 0 ? $0 : nil }
    }

    /// `67108864` → `64M`.
    public static func renderByteSize(_ bytes: Int) -> String {
        for (suffix, unit) in byteSuffixes where bytes % unit == 0 { return "\(bytes / unit)\(suffix)" }
        return String(bytes)
    }
}
