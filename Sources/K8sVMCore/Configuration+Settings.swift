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
        text("local.goCommand", "the go command that builds golang packages (a name in PATH, or a path)",
             \.local.goCommand, allowEmpty: false),
        text("local.goCache", "where Go's build and module caches live (empty: $TMPDIR/k8svm-go)",
             \.local.goCache, allowEmpty: true),
        duration("local.buildTimeout", "how long a build may take (the peer's installTimeout is 300s)",
                 \.local.buildTimeout),
        duration("local.stopGracePeriod", "after SIGTERM, how long the chaincode has before SIGKILL (the peer waits 5s)",
                 \.local.stopGracePeriod),
    ]

    private static func text(_ key: String, _ help: String, _ field: WritableKeyPath<Configuration, String> & Sendable, allowEmpty: Bool) -> Setting {
        Setting(key: key, help: help, assign: { configuration, value, origin in
            if !allowEmpty, value.isEmpty { throw K8sVMError("\(origin): must not be empty") }
            configuration[keyPath: field] = value
        }, render: { $0[keyPath: field].isEmpty ? "\"\"" : $0[keyPath: field] })
    }

    private static func duration(_ key: String, _ help: String, _ field: WritableKeyPath<Configuration, Duration> & Sendable) -> Setting {
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
