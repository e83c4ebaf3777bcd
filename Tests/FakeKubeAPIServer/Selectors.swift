/// Equality label selectors (`a=b,c=d`, also `a==b` and `a!=b`) and the field selectors the fake supports:
/// `metadata.name`/`metadata.namespace` everywhere and `involvedObject.*` for events (pod-success/08).
struct Selector: Sendable {
    private var labels: [(key: String, value: String, equal: Bool)] = []
    private var fields: [(path: [String], value: String, equal: Bool)] = []

    /// Parses both selectors; an unsupported field label is the 400 of errors/16.
    init(labelSelector: String?, fieldSelector: String?, resource: Resource) throws(APIError) {
        labels = Self.terms(labelSelector).map { (key: $0.0, value: $0.1, equal: $0.2) }
        for (field, value, equal) in Self.terms(fieldSelector) {
            let supported = ["metadata.name", "metadata.namespace"]
                + (resource == .events ? ["involvedObject.name", "involvedObject.namespace", "involvedObject.kind",
                                          "involvedObject.uid", "reason", "type"] : [])
                + (resource == .pods ? ["spec.nodeName", "status.phase"] : [])
            guard supported.contains(field) else { throw .badRequest("field label not supported: \(field)") }
            fields.append((path: field.split(separator: ".").map(String.init), value: value, equal: equal))
        }
    }

    private static func terms(_ selector: String?) -> [(String, String, Bool)] {
        guard let selector, !selector.isEmpty else { return [] }
        return selector.split(separator: ",").map { term in
            let text = String(term)
            for (op, equal) in [("!=", false), ("==", true), ("=", true)] {
                if let range = text.range(of: op) {
                    return (String(text[..<range.lowerBound]), String(text[range.upperBound...]), equal)
                }
            }
            return (text, "", true)
        }
    }

    func matches(_ object: JSON) -> Bool {
        let objectLabels = object["metadata"]?["labels"]?.stringMap ?? [:]
        for term in labels where (objectLabels[term.key] == term.value) != term.equal { return false }
        for term in fields {
            var value: JSON? = object
            for part in term.path { value = value?[part] }
            if ((value?.string ?? "") == term.value) != term.equal { return false }
        }
        return true
    }
}
