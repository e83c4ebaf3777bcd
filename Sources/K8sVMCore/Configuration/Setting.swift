/// One setting of a ``SettingsSection``: its key inside the section, what it does, and how its value is read from
/// text (the YAML scalar or the variable) and printed back.
public struct Setting<Section: SettingsSection>: Sendable {
    /// The key inside the section: `goCommand` of `local.goCommand`.
    public let key: String
    /// What the setting does, one line (shown in the installed `k8svm.yaml`).
    public let help: String
    /// Reads `value` into the section; `origin` names where the value came from, for the error.
    public let assign: @Sendable (inout Section, _ value: String, _ origin: String) throws -> Void
    /// The value as `k8svm.yaml` would hold it.
    public let render: @Sendable (Section) -> String

    public init(_ key: String, help: String,
                assign: @escaping @Sendable (inout Section, _ value: String, _ origin: String) throws -> Void,
                render: @escaping @Sendable (Section) -> String) {
        self.key = key
        self.help = help
        self.assign = assign
        self.render = render
    }

    /// A value checked by `parse`, which returns nil for a bad one; `problem` says what the value should be.
    public static func parsed<Value: Sendable>(
        _ key: String, _ help: String, _ field: WritableKeyPath<Section, Value> & Sendable, problem: String,
        parse: @escaping @Sendable (String) -> Value?, render: @escaping @Sendable (Value) -> String
    ) -> Setting {
        Setting(key, help: help, assign: { section, value, origin in
            guard let parsed = parse(value) else { throw K8sVMError("\(origin): \"\(value)\" \(problem)") }
            section[keyPath: field] = parsed
        }, render: { render($0[keyPath: field]) })
    }

    /// Free text; empty only where `allowEmpty`.
    public static func text(_ key: String, _ help: String, _ field: WritableKeyPath<Section, String> & Sendable,
                            allowEmpty: Bool) -> Setting {
        Setting(key, help: help, assign: { section, value, origin in
            if !allowEmpty, value.isEmpty { throw K8sVMError("\(origin): must not be empty") }
            section[keyPath: field] = value
        }, render: { quotedIfEmpty($0[keyPath: field]) })
    }

    /// `250ms`, `30s`, `5m`, `1h`.
    public static func duration(_ key: String, _ help: String, _ field: WritableKeyPath<Section, Duration> & Sendable) -> Setting {
        parsed(key, help, field, problem: "is not a duration (use e.g. 500ms, 30s, 5m)",
               parse: { Duration(configValue: $0) }, render: { $0.configValue })
    }

    /// A whole number of at least `minimum`.
    public static func count(_ key: String, _ help: String, _ field: WritableKeyPath<Section, Int> & Sendable,
                             minimum: Int = 1) -> Setting {
        parsed(key, help, field, problem: "is not a whole number of at least \(minimum)",
               parse: { Int($0).flatMap { $0 >= minimum ? $0 : nil } }, render: { String($0) })
    }

    /// A size in bytes with an optional K, M or G suffix (powers of 1024).
    public static func byteSize(_ key: String, _ help: String, _ field: WritableKeyPath<Section, Int> & Sendable) -> Setting {
        parsed(key, help, field, problem: "is not a size (use e.g. 65536, 512K, 64M, 2G)",
               parse: ByteSize.parse, render: ByteSize.render)
    }

    /// `true` or `false` (also `yes`/`no`, `1`/`0`).
    public static func flag(_ key: String, _ help: String, _ field: WritableKeyPath<Section, Bool> & Sendable) -> Setting {
        parsed(key, help, field, problem: "is not true or false", parse: { value in
            switch value.lowercased() {
            case "true", "yes", "1": true
            case "false", "no", "0": false
            default: nil
            }
        }, render: { String($0) })
    }

    /// One of a fixed list of words, matched without regard to case and stored as listed.
    public static func choice(_ key: String, _ help: String, _ choices: [String],
                              _ field: WritableKeyPath<Section, String> & Sendable) -> Setting {
        parsed(key, "\(help): \(choices.joined(separator: " | "))", field,
               problem: "is not one of \(choices.joined(separator: ", "))",
               parse: { value in choices.first { $0.lowercased() == value.lowercased() } }, render: { $0 })
    }

    /// One case of a string enumeration, matched without regard to case.
    public static func choice<Value: RawRepresentable & CaseIterable & Sendable>(
        _ key: String, _ help: String, _ field: WritableKeyPath<Section, Value> & Sendable
    ) -> Setting where Value.RawValue == String {
        let names = Value.allCases.map(\.rawValue)
        return parsed(key, "\(help): \(names.joined(separator: " | "))", field,
                      problem: "is not one of \(names.joined(separator: ", "))",
                      parse: { value in Value.allCases.first { $0.rawValue.lowercased() == value.lowercased() } },
                      render: { $0.rawValue })
    }

    /// An empty value prints as `""`, so that the YAML reads back empty.
    public static func quotedIfEmpty(_ value: String) -> String {
        value.isEmpty ? "\"\"" : value
    }
}

/// Sizes in bytes as settings write them: `65536`, `512K`, `64M`, `2G` (powers of 1024).
public enum ByteSize {
    static let suffixes: [(String, Int)] = [("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)]

    /// The number of bytes `text` names; nil unless it is a positive size.
    public static func parse(_ text: String) -> Int? {
        let upper = text.uppercased()
        for (suffix, unit) in suffixes where upper.hasSuffix(suffix) {
            guard let number = Int(upper.dropLast()), number > 0, number <= Int.max / unit else { return nil }
            return number * unit
        }
        return Int(upper).flatMap { $0 > 0 ? $0 : nil }
    }

    /// `67108864` → `64M`.
    public static func render(_ bytes: Int) -> String {
        for (suffix, unit) in suffixes where bytes % unit == 0 { return "\(bytes / unit)\(suffix)" }
        return String(bytes)
    }
}
