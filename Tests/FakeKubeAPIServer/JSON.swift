/// An ordered JSON value. Object members keep the order they were decoded or built in, so responses can list
/// fields in the order kube-apiserver v1.26 writes them (see any response body under `Tests/KubernetesFixtures/k8s-recordings`).
/// Numbers keep their literal text so integers and decimals round-trip unchanged.
enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSON])
    case object([Member])

    /// One member of a JSON object.
    struct Member: Sendable, Equatable {
        var key: String
        var value: JSON
    }

    static func int(_ value: Int) -> JSON { .number(String(value)) }

    /// An object from key/value pairs, in order; `nil` values are left out (Go's `omitempty`).
    static func obj(_ pairs: KeyValuePairs<String, JSON?>) -> JSON {
        .object(pairs.compactMap { key, value in value.map { Member(key: key, value: $0) } })
    }

    /// Member access for objects. Setting `nil` removes the member; setting a new key appends it.
    subscript(key: String) -> JSON? {
        get {
            guard case .object(let members) = self else { return nil }
            return members.first { $0.key == key }?.value
        }
        set {
            guard case .object(var members) = self else { return }
            if let index = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append(Member(key: key, value: newValue))
            }
            self = .object(members)
        }
    }

    /// Element access for arrays (nil when out of range or not an array).
    subscript(index: Int) -> JSON? {
        get {
            guard case .array(let items) = self, items.indices.contains(index) else { return nil }
            return items[index]
        }
        set {
            guard case .array(var items) = self, items.indices.contains(index), let newValue else { return }
            items[index] = newValue
            self = .array(items)
        }
    }

    var string: String? { if case .string(let s) = self { s } else { nil } }
    var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
    var int: Int? { if case .number(let n) = self { Int(n) ?? Double(n).flatMap { Int(exactly: $0) } } else { nil } }
    var array: [JSON]? { if case .array(let a) = self { a } else { nil } }
    var members: [Member]? { if case .object(let m) = self { m } else { nil } }
    var keys: [String] { members?.map(\.key) ?? [] }

    /// String-valued members of an object (labels, annotations, secret data).
    var stringMap: [String: String] {
        var map: [String: String] = [:]
        for member in members ?? [] { if let s = member.value.string { map[member.key] = s } }
        return map
    }

    /// Insert or replace `key` so that it sits right after the last of `after` that is present (or first).
    mutating func insert(_ key: String, _ value: JSON, after: [String]) {
        guard case .object(var members) = self else { return }
        members.removeAll { $0.key == key }
        let position = members.lastIndex { after.contains($0.key) }.map { $0 + 1 } ?? 0
        members.insert(Member(key: key, value: value), at: position)
        self = .object(members)
    }
}

extension JSON {
    /// The value as Foundation-style Swift values (`String`, `Int`, `Double`, `Bool`, arrays, dictionaries;
    /// null as `Optional<String>.none`), for ``FakeKubeAPIServer/objects(_:namespace:)``.
    var foundationValue: any Sendable {
        switch self {
        case .null: return String?.none
        case .bool(let b): return b
        case .number(let n): if let int = Int(n) { return int } else { return Double(n) ?? 0 }
        case .string(let s): return s
        case .array(let items): return items.map(\.foundationValue)
        case .object(let members):
            var dictionary: [String: any Sendable] = [:]
            for member in members { dictionary[member.key] = member.value.foundationValue }
            return dictionary
        }
    }
}
