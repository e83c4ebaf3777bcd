import Foundation
import Yams

/// K8sVM's effective settings: defaults, then the YAML file, then `K8SVM_*` environment variables.
///
/// Which settings exist is not decided here: the executable names the backends it links and the
/// ``SettingsSection``s they read, and a section's values are read with `configuration[LocalSettings.self]`. Every
/// setting has one YAML key path (`local.goCommand`) and one variable derived from it (`K8SVM_LOCAL_GO_COMMAND`).
/// An unknown key or variable, or a value of the wrong form, is an error naming it.
public struct Configuration: Sendable {
    /// The backend `backend:` selects; one of ``backends``.
    public private(set) var backend: String
    /// The backends that may be named, the first being the default.
    public let backends: [String]
    /// The sections this configuration reads, in the order they are printed.
    private let sectionTypes: [any SettingsSection.Type]
    /// Values of the sections read so far; a section never set holds its defaults.
    private var sections: [String: any SettingsSection] = [:]
    /// The source of each setting, keyed by YAML key path.
    public private(set) var sources: [String: Source] = [:]

    /// Defaults for `backends` (the first is the default backend) and `sections`.
    public init(backends: [String], sections: [any SettingsSection.Type]) {
        precondition(!backends.isEmpty, "a configuration needs a backend")
        self.backend = backends[0]
        self.backends = backends
        var seen = Set<String>()
        self.sectionTypes = sections.filter { seen.insert($0.name).inserted }
    }

    /// One section's values.
    public subscript<Section: SettingsSection>(_ section: Section.Type) -> Section {
        get { sections[Section.name] as? Section ?? Section() }
        set { sections[Section.name] = newValue }
    }

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

    /// Variables with the `K8SVM_` prefix that are not settings but are read elsewhere.
    public static let reservedVariables: Set<String> = ["K8SVM_CONFIG"]
    /// Prefixes of variables that belong to the test suite, not to K8sVM.
    public static let reservedVariablePrefixes = ["K8SVM_TEST_"]

    /// Every setting: `backend`, then each section's.
    private var settings: [ConfigurationSetting] {
        let backends = self.backends
        let backend = ConfigurationSetting(
            key: "backend", help: "\(backends.joined(separator: " | ")): where chaincode is built and run",
            assign: { configuration, value, origin in
                guard let chosen = backends.first(where: { $0 == value.lowercased() }) else {
                    throw K8sVMError("\(origin): unknown backend \"\(value)\" (one of: \(backends.joined(separator: ", ")))")
                }
                configuration.backend = chosen
            }, render: { $0.backend })
        return [backend] + sectionTypes.flatMap { $0.configurationSettings() }
    }

    /// Loads the effective configuration: `$K8SVM_CONFIG`, else `k8svm.yaml` in the builder's root (the parent of
    /// `bin/`), then the environment's `K8SVM_*` variables.
    public mutating func load(builderDirectory: String?, environment: [String: String]) throws {
        if let explicit = environment["K8SVM_CONFIG"], !explicit.isEmpty {
            guard let data = FileManager.default.contents(atPath: explicit) else {
                throw K8sVMError("K8SVM_CONFIG: cannot read \(explicit)")
            }
            try apply(yaml: String(decoding: data, as: UTF8.self), source: explicit)
        } else if let builderDirectory {
            let file = builderDirectory + "/k8svm.yaml"
            if let data = FileManager.default.contents(atPath: file) {
                try apply(yaml: String(decoding: data, as: UTF8.self), source: file)
            }
        }
        try apply(environment: environment)
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
            throw K8sVMError("\(source): not valid YAML: \(error)", cause: error)
        }
        guard let document else { return }
        guard case .mapping(let root) = document else {
            throw K8sVMError("\(source): the top level must be a mapping of settings")
        }
        try apply(mapping: root, prefix: "", source: source, settings: settings)
    }

    private mutating func apply(mapping: Node.Mapping, prefix: String, source: String, settings: [ConfigurationSetting]) throws {
        for (keyNode, value) in mapping {
            let path = prefix + (keyNode.string ?? "")
            let isSection = settings.contains(where: { $0.key.hasPrefix(path + ".") })
            switch value {
            case .mapping(let nested):
                guard isSection else { throw K8sVMError("\(source): unknown key \"\(path)\"") }
                try apply(mapping: nested, prefix: path + ".", source: source, settings: settings)
            case .scalar(let scalar):
                if isSection {
                    // `local:` with nothing under it is an empty section.
                    guard scalar.string.isEmpty else { throw K8sVMError("\(source): \"\(path)\" must be a mapping") }
                    continue
                }
                guard let setting = settings.first(where: { $0.key == path }) else {
                    throw K8sVMError("\(source): unknown key \"\(path)\"")
                }
                try setting.assign(&self, scalar.string, "\(source): \"\(path)\"")
                sources[path] = .file(source)
            case .sequence, .alias:
                guard isSection || settings.contains(where: { $0.key == path }) else {
                    throw K8sVMError("\(source): unknown key \"\(path)\"")
                }
                throw K8sVMError("\(source): \"\(path)\" must be a single value")
            }
        }
    }

    /// Applies `K8SVM_*` variables; an unknown one is an error naming it.
    public mutating func apply(environment: [String: String]) throws {
        let settings = self.settings
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix("K8SVM_") {
            if Self.reservedVariables.contains(name) || Self.reservedVariablePrefixes.contains(where: name.hasPrefix) {
                continue
            }
            guard let setting = settings.first(where: { $0.variable == name }) else {
                throw K8sVMError("unknown environment variable \(name) (settings: \(settings.map(\.variable).joined(separator: ", ")))")
            }
            try setting.assign(&self, value, name)
            sources[setting.key] = .environment(name)
        }
    }

    /// The effective settings as YAML, each line commented with where its value came from.
    public func rendered() -> String {
        var lines: [String] = []
        var section = ""
        for setting in settings {
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

    /// A `k8svm.yaml` for `install-builder`: `backend` set, every other setting commented out at its default, with
    /// what it does.
    public func commentedTemplate(backend chosen: String) -> String {
        var defaults = Configuration(backends: backends, sections: sectionTypes)
        defaults.backend = chosen
        let settings = defaults.settings
        var lines = [
            "# k8svm external builder configuration.",
            "# Every setting can be overridden by its K8SVM_* environment variable (list them in the peer's",
            "# propagateEnvironment to pass them through). Unknown keys are errors.",
            "",
            "# \(settings[0].help)",
            "backend: \(chosen)",
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
