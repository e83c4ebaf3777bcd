/// Checks a decoded body against `components.schemas` of `Tests/KubernetesFixtures/k8s-openapi` the way kube-apiserver's strict
/// decoder does (errors/12): JSON types per field (following `$ref`/`allOf`, `int-or-string`, Quantity's `oneOf`,
/// `additionalProperties` maps, free-form and `x-kubernetes-preserve-unknown-fields` objects), unknown fields,
/// base64 for `format: byte`, `enum` where given, and the `required` lists (answered as 422 `Required value`).
struct SchemaValidator {
    private let schemas: [String: JSON]
    private(set) var unknownFields: [String] = []
    private(set) var typeError: String?
    private(set) var causes: [InvalidCause] = []

    private init(schemas: [String: JSON]) { self.schemas = schemas }

    /// Validates `object` as `resource`. Throws the 400 for type errors and unknown fields; returns the paths of
    /// missing required fields.
    static func validate(_ object: JSON, as resource: Resource) throws(APIError) -> [InvalidCause] {
        let schemas = (try? KubernetesFixtures.schemas(resource.schemaFile)) ?? [:]
        guard let schema = schemas[resource.schemaName] else { return [] }
        var validator = SchemaValidator(schemas: schemas)
        validator.check(object, schema, path: "", owner: resource.kind)
        let fail = { (problem: String) in APIError.undecodable(kind: resource.kind, version: resource.version, problem) }
        if let typeError = validator.typeError { throw fail(typeError) }
        if !validator.unknownFields.isEmpty {
            throw fail("strict decoding error: " + validator.unknownFields.map { "unknown field \"\($0)\"" }.joined(separator: ", "))
        }
        return validator.causes
    }

    /// Follows `$ref` and single-entry `allOf`, keeping the referenced schema's short name for Go-style messages.
    private func resolve(_ schema: JSON) -> (schema: JSON, name: String?) {
        var current = schema
        var name: String?
        while true {
            if let ref = current["$ref"]?.string ?? current["allOf"]?[0]?["$ref"]?.string,
               let target = schemas[String(ref.split(separator: "/").last ?? "")] {
                name = ref.split(separator: ".").last.map(String.init)
                current = target
            } else {
                return (current, name)
            }
        }
    }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private static func jsonType(_ value: JSON) -> String {
        switch value {
        case .string: "string"
        case .number: "number"
        case .bool: "bool"
        case .array: "array"
        case .object: "object"
        case .null: "null"
        }
    }

    private mutating func typeMismatch(_ value: JSON, path: String, owner: String, expected: String) {
        guard typeError == nil else { return }
        let fieldPath = path.replacingOccurrences(of: #"\[\d+\]"#, with: "", options: .regularExpression)
        typeError = "json: cannot unmarshal \(Self.jsonType(value)) into Go struct field \(owner).\(fieldPath) of type \(expected)"
    }

    private static func goType(_ schema: JSON, name: String?) -> String {
        if let name { return "v1.\(name)" }
        switch schema["type"]?.string {
        case "integer": return schema["format"]?.string ?? "int"
        case "number": return "float64"
        case "boolean": return "bool"
        case "array": return "[]"
        case "object": return "map[string]"
        default: return "string"
        }
    }

    private mutating func check(_ value: JSON, _ rawSchema: JSON, path: String, owner: String) {
        if value == .null { return }  // Go leaves null fields at their zero value
        let (schema, name) = resolve(rawSchema)
        if schema["format"]?.string == "int-or-string" || schema["x-kubernetes-int-or-string"]?.bool == true {
            switch value {
            case .string: return
            case .number(let n) where Int(n) != nil: return
            default: return typeMismatch(value, path: path, owner: owner, expected: "intstr.IntOrString")
            }
        }
        if let options = schema["oneOf"]?.array {
            let types = options.compactMap { $0["type"]?.string }
            let ok = switch value {
            case .string: types.contains("string")
            case .number: types.contains("number") || types.contains("integer")
            default: false
            }
            if !ok { typeMismatch(value, path: path, owner: owner, expected: name.map { "resource.\($0)" } ?? "string") }
            return
        }
        let childOwner = name ?? owner
        switch schema["type"]?.string {
        case "string":
            guard case .string(let text) = value else {
                return typeMismatch(value, path: path, owner: owner, expected: Self.goType(schema, name: nil))
            }
            if schema["format"]?.string == "byte", let offset = Base64.firstInvalidOffset(text), typeError == nil {
                typeError = "illegal base64 data at input byte \(offset)"
            }
            if let allowed = schema["enum"]?.array?.compactMap(\.string), !allowed.contains(text) {
                causes.append(.notSupported(path, text, supported: allowed))
            }
        case "integer":
            guard case .number(let n) = value, Int(n) != nil else {
                return typeMismatch(value, path: path, owner: owner, expected: Self.goType(schema, name: nil))
            }
        case "number":
            guard case .number = value else { return typeMismatch(value, path: path, owner: owner, expected: "float64") }
        case "boolean":
            guard case .bool = value else { return typeMismatch(value, path: path, owner: owner, expected: "bool") }
        case "array":
            guard case .array(let items) = value else {
                return typeMismatch(value, path: path, owner: owner, expected: "[]" + Self.goType(resolve(schema["items"] ?? .null).schema, name: resolve(schema["items"] ?? .null).name))
            }
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() { check(item, itemSchema, path: "\(path)[\(index)]", owner: owner) }
            }
        default:
            checkObject(value, schema, name: name, path: path, owner: childOwner)
        }
    }

    private mutating func checkObject(_ value: JSON, _ schema: JSON, name: String?, path: String, owner: String) {
        guard schema["type"]?.string == "object" || schema["properties"] != nil else { return }
        guard case .object(let members) = value else {
            return typeMismatch(value, path: path, owner: owner, expected: name.map { "v1.\($0)" } ?? "map[string]string")
        }
        if schema["x-kubernetes-preserve-unknown-fields"]?.bool == true { return }
        if let properties = schema["properties"] {
            for member in members {
                let childPath = Self.join(path, member.key)
                if let property = properties[member.key] {
                    check(member.value, property, path: childPath, owner: owner)
                } else {
                    unknownFields.append(childPath)
                }
            }
            for required in schema["required"]?.array?.compactMap(\.string) ?? [] where value[required] == nil {
                causes.append(.required(Self.join(path, required)))
            }
        } else if let additional = schema["additionalProperties"] {
            for member in members { check(member.value, additional, path: Self.join(path, member.key), owner: owner) }
        }
    }
}

/// Standard base64 (with padding), as Go's `[]byte` JSON decoding requires.
enum Base64 {
    private static let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The byte offset Go's decoder reports for invalid input, or nil when valid.
    static func firstInvalidOffset(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        var end = bytes.count
        while end > 0, bytes[end - 1] == UInt8(ascii: "=") { end -= 1 }
        if let bad = bytes[..<end].firstIndex(where: { !alphabet.contains($0) }) { return bad }
        if bytes.count % 4 != 0 || bytes.count - end > 2 { return max(0, end - end % 4) }
        return nil
    }
}
