/// A group of settings that one module owns: the mapping `name:` in `k8svm.yaml`, and the `K8SVM_NAME_*` variables.
///
/// Each backend declares its sections beside the code that reads them (`LocalSettings` in LocalVM,
/// `KubernetesSettings` in KubernetesVM, …); the executable hands ``Configuration`` the sections of the backends it
/// links, and only those keys are accepted.
public protocol SettingsSection: Sendable, Equatable {
    /// The section's key in `k8svm.yaml`: `local` for `local.goCommand`.
    static var name: String { get }
    /// Every setting of the section, in the order `k8svm config show` prints them.
    static var settings: [Setting<Self>] { get }
    /// The defaults.
    init()
}

extension SettingsSection {
    /// The settings with their full key paths, reading and writing this section of a ``Configuration``.
    static func configurationSettings() -> [ConfigurationSetting] {
        settings.map { setting in
            ConfigurationSetting(
                key: name + "." + setting.key, help: setting.help,
                assign: { configuration, value, origin in
                    var section = configuration[Self.self]
                    try setting.assign(&section, value, origin)
                    configuration[Self.self] = section
                },
                render: { setting.render($0[Self.self]) })
        }
    }
}

/// One setting as ``Configuration`` handles it: its full key path and how it reads and prints the whole configuration.
struct ConfigurationSetting: Sendable {
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
