/// The semantic checks kube-apiserver applies after decoding that a launcher can get wrong, answered as 422
/// Invalid with one cause per field (errors/09, errors/10), with apimachinery's message texts.
enum ObjectValidator {
    static let subdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    static let labelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    static let qualifiedNameMessage = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
    static let labelValueMessage = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
    static let envNameMessage = "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"
    static let configKeyMessage = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"

    private static func matches(_ text: String, _ pattern: String) -> Bool {
        text.range(of: "^(?:\(pattern))$", options: .regularExpression) != nil
    }

    static func isSubdomain(_ name: String) -> Bool {
        name.count <= 253 && matches(name, "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
    }

    static func dnsLabel(_ value: String, field: String) -> [InvalidCause] {
        var causes: [InvalidCause] = []
        if value.count > 63 { causes.append(.invalid(field, .string(value), "must be no more than 63 characters")) }
        if !matches(value, "[a-z0-9]([-a-z0-9]*[a-z0-9])?") { causes.append(.invalid(field, .string(value), labelMessage)) }
        return causes
    }

    /// `metadata.name` (a subdomain for pods, secrets and jobs, errors/09) and the labels.
    static func metadata(_ metadata: JSON?, path: String = "metadata", checkName: Bool = true) -> [InvalidCause] {
        var causes: [InvalidCause] = []
        if checkName {
            let name = metadata?["name"]?.string ?? ""
            if name.isEmpty {
                causes.append(InvalidCause(reason: "FieldValueRequired", message: "Required value: name or generateName is required",
                                           field: "\(path).name"))
            } else {
                if name.count > 253 { causes.append(.invalid("\(path).name", .string(name), "must be no more than 253 characters")) }
                if !matches(name, "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*") {
                    causes.append(.invalid("\(path).name", .string(name), subdomainMessage))
                }
            }
        }
        for (key, value) in (metadata?["labels"]?.stringMap ?? [:]).sorted(by: { $0.key < $1.key }) {
            causes += labelKey(key, field: "\(path).labels")
            if value.count > 63 { causes.append(.invalid("\(path).labels", .string(value), "must be no more than 63 characters")) }
            if !matches(value, "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?") {
                causes.append(.invalid("\(path).labels", .string(value), labelValueMessage))
            }
        }
        return causes
    }

    private static func labelKey(_ key: String, field: String) -> [InvalidCause] {
        let parts = key.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let name = parts.last ?? ""
        var causes: [InvalidCause] = []
        if parts.count == 2 && !isSubdomain(parts[0]) {
            causes.append(.invalid(field, .string(key), "prefix part " + subdomainMessage))
        }
        if name.count > 63 { causes.append(.invalid(field, .string(key), "name part must be no more than 63 characters")) }
        if !matches(name, "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]") { causes.append(.invalid(field, .string(key), qualifiedNameMessage)) }
        return causes
    }

    /// A PodSpec (also a Job's template, with `restartPolicy` limited to OnFailure and Never).
    static func podSpec(_ spec: JSON?, path: String, restartPolicies: [String] = ["Always", "OnFailure", "Never"]) -> [InvalidCause] {
        var causes: [InvalidCause] = []
        var volumeNames: [String] = []
        for (index, volume) in (spec?["volumes"]?.array ?? []).enumerated() {
            let name = volume["name"]?.string ?? ""
            let field = "\(path).volumes[\(index)].name"
            if volumeNames.contains(name) {
                causes.append(InvalidCause(reason: "FieldValueDuplicate", message: "Duplicate value: \"\(name)\"", field: field))
            }
            causes += dnsLabel(name, field: field)
            volumeNames.append(name)
        }
        let containers = spec?["containers"]?.array ?? []
        if containers.isEmpty { causes.append(.required("\(path).containers")) }
        var containerNames: [String] = []
        for (index, container) in containers.enumerated() {
            let base = "\(path).containers[\(index)]"
            let name = container["name"]?.string ?? ""
            if name.isEmpty {
                causes.append(.required("\(base).name"))
            } else if containerNames.contains(name) {
                causes.append(InvalidCause(reason: "FieldValueDuplicate", message: "Duplicate value: \"\(name)\"", field: "\(base).name"))
            } else {
                causes += dnsLabel(name, field: "\(base).name")
            }
            containerNames.append(name)
            if (container["image"]?.string ?? "").isEmpty { causes.append(.required("\(base).image")) }
            for (envIndex, env) in (container["env"]?.array ?? []).enumerated() {
                let envName = env["name"]?.string ?? ""
                let field = "\(base).env[\(envIndex)].name"
                if envName.isEmpty { causes.append(.required(field)) }
                else if !matches(envName, "[-._a-zA-Z][-._a-zA-Z0-9]*") { causes.append(.invalid(field, .string(envName), envNameMessage)) }
            }
            for (mountIndex, mount) in (container["volumeMounts"]?.array ?? []).enumerated() {
                let mountName = mount["name"]?.string ?? ""
                if !volumeNames.contains(mountName) {
                    causes.append(InvalidCause(reason: "FieldValueNotFound", message: "Not found: \"\(mountName)\"",
                                               field: "\(base).volumeMounts[\(mountIndex)].name"))
                }
                if (mount["mountPath"]?.string ?? "").isEmpty { causes.append(.required("\(base).volumeMounts[\(mountIndex)].mountPath")) }
            }
            if let user = container["securityContext"]?["runAsUser"]?.int, !(0...2_147_483_647).contains(user) {
                causes.append(.invalid("\(base).securityContext.runAsUser", .int(user), "must be between 0 and 2147483647, inclusive"))
            }
        }
        if let user = spec?["securityContext"]?["runAsUser"]?.int, !(0...2_147_483_647).contains(user) {
            causes.append(.invalid("\(path).securityContext.runAsUser", .int(user), "must be between 0 and 2147483647, inclusive"))
        }
        let policy = spec?["restartPolicy"]?.string ?? "Always"
        if !restartPolicies.contains(policy) {
            causes.append(.notSupported("\(path).restartPolicy", policy, supported: restartPolicies))
        }
        return causes
    }

    /// Secret data keys (errors/17 shows a valid one).
    static func secret(_ secret: JSON) -> [InvalidCause] {
        var causes: [InvalidCause] = []
        for field in ["data", "stringData"] {
            for key in secret[field]?.keys ?? [] where !matches(key, "[-._a-zA-Z0-9]+") {
                causes.append(.invalid("\(field)[\(key)]", .string(key), configKeyMessage))
            }
        }
        return causes
    }
}
