/// A failed request, answered with a `Status` body exactly as kube-apiserver v1.26 writes it
/// (`{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",…,"code":N}`, README item 3).
struct APIError: Error, Sendable {
    let code: Int
    let reason: String
    let message: String
    var details: JSON?
    var metadata: JSON = .object([])
    /// Extra response headers (e.g. `Retry-After`).
    var headers: [(String, String)] = []
    /// Counted by ``FakeKubeAPIServer/rejectedObjects()`` (schema or validation rejection of a body).
    var isRejectedObject = false

    var status: JSON {
        .obj([
            "kind": .string("Status"), "apiVersion": .string("v1"), "metadata": metadata,
            "status": .string("Failure"), "message": .string(message), "reason": .string(reason),
            "details": details, "code": .int(code),
        ])
    }

    private static func details(name: String?, group: String? = nil, kind: String) -> JSON {
        .obj(["name": name.map(JSON.string), "group": group.map(JSON.string), "kind": .string(kind)])
    }

    /// errors/01, errors/04: `pods "no-such-pod" not found`.
    static func notFound(_ resource: Resource, _ name: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "\(resource.qualifiedName) \"\(name)\" not found",
                 details: details(name: name, group: resource.group.nilIfEmpty, kind: resource.name))
    }

    /// errors/06.
    static func alreadyExists(_ resource: Resource, _ name: String) -> APIError {
        APIError(code: 409, reason: "AlreadyExists", message: "\(resource.qualifiedName) \"\(name)\" already exists",
                 details: details(name: name, group: resource.group.nilIfEmpty, kind: resource.name))
    }

    /// errors/19: stale resourceVersion on PUT.
    static func conflict(_ resource: Resource, _ name: String) -> APIError {
        APIError(code: 409, reason: "Conflict",
                 message: "Operation cannot be fulfilled on \(resource.qualifiedName) \"\(name)\": the object has been modified; please apply your changes to the latest version and try again",
                 details: details(name: name, group: resource.group.nilIfEmpty, kind: resource.name))
    }

    /// errors/07, errors/08, errors/16, pod-image-missing/03–06.
    static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    /// errors/12, errors/13, errors/15: a body that cannot be decoded as the kind.
    static func undecodable(kind: String, version: String, _ problem: String) -> APIError {
        var error = badRequest("\(kind) in version \"\(version)\" cannot be handled as a \(kind): \(problem)")
        error.isRejectedObject = true
        return error
    }

    /// errors/20.
    static let unauthorized = APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")

    /// errors/14.
    static let unsupportedMediaType = APIError(
        code: 415, reason: "UnsupportedMediaType",
        message: "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf")

    /// errors/30.
    static let listTooOld = APIError(code: 410, reason: "Expired", message: "The resourceVersion for the provided list is too old.")

    /// errors/29: the Status carries a fresh continue token with `"rv":-1`.
    static func continueTooOld(freshContinue: String) -> APIError {
        APIError(code: 410, reason: "Expired",
                 message: "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
                 metadata: .obj(["continue": .string(freshContinue)]))
    }

    /// errors/09, errors/10: 422 with one cause per invalid field.
    static func invalid(kind: String, name: String, causes: [InvalidCause]) -> APIError {
        let list = causes.map { "\($0.field): \($0.message)" }
        let summary = list.count == 1 ? list[0] : "[" + list.joined(separator: ", ") + "]"
        var error = APIError(
            code: 422, reason: "Invalid", message: "\(kind) \"\(name)\" is invalid: \(summary)",
            details: .obj([
                "name": .string(name), "kind": .string(kind),
                "causes": .array(causes.map { .obj(["reason": .string($0.reason), "message": .string($0.message), "field": .string($0.field)]) }),
            ]))
        error.isRejectedObject = true
        return error
    }

    /// Injected by ``FakeKubeAPIServer/failNext(_:status:retryAfterSeconds:)``: the reasons kube-apiserver uses for these codes.
    static func injected(status: Int, retryAfterSeconds: Int?) -> APIError {
        let (reason, message) = switch status {
        case 429: ("TooManyRequests", "Too many requests, please try again later.")
        case 503: ("ServiceUnavailable", "The server is currently unable to handle the request")
        default: ("InternalError", "Internal error occurred: injected failure")
        }
        var error = APIError(code: status, reason: reason, message: message,
                             details: retryAfterSeconds.map { .obj(["retryAfterSeconds": .int($0)]) })
        if let retryAfterSeconds { error.headers.append(("Retry-After", String(retryAfterSeconds))) }
        return error
    }
}

/// One `details.causes[]` entry of a 422 (errors/10): reason `FieldValueInvalid`, `FieldValueRequired` or
/// `FieldValueNotSupported`, with the message without the field prefix.
struct InvalidCause: Sendable {
    let reason: String
    let message: String
    let field: String

    static func required(_ field: String) -> InvalidCause {
        InvalidCause(reason: "FieldValueRequired", message: "Required value", field: field)
    }

    static func invalid(_ field: String, _ value: JSON, _ detail: String) -> InvalidCause {
        InvalidCause(reason: "FieldValueInvalid", message: "Invalid value: \(value.text): \(detail)", field: field)
    }

    static func notSupported(_ field: String, _ value: String, supported: [String]) -> InvalidCause {
        InvalidCause(reason: "FieldValueNotSupported",
                     message: "Unsupported value: \"\(value)\": supported values: " + supported.map { "\"\($0)\"" }.joined(separator: ", "),
                     field: field)
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
