/// A failed Kubernetes API request, decoded from the server's `Status` reply.
public struct KubernetesError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure the server reported, by HTTP status and `reason`.
    public enum Kind: Sendable, Equatable {
        case notFound, alreadyExists, conflict, invalid, gone, forbidden, unauthorized, badRequest, tooManyRequests
        case serverError, other
    }

    public let kind: Kind
    /// The HTTP status code.
    public let code: Int
    /// The server's `Status`, when it sent one.
    public let status: KubernetesStatus?
    /// The request, as `METHOD path`.
    public let request: String

    public init(code: Int, status: KubernetesStatus?, request: String) {
        self.code = code
        self.status = status
        self.request = request
        self.kind = switch (code, status?.reason) {
        case (404, _): .notFound
        case (409, "AlreadyExists"): .alreadyExists
        case (409, _): .conflict
        case (410, _): .gone
        case (422, _): .invalid
        case (401, _): .unauthorized
        case (403, _): .forbidden
        case (400, _): .badRequest
        case (429, _): .tooManyRequests
        case (500..., _): .serverError
        default: .other
        }
    }

    /// The server's message, with the fields an invalid object got wrong.
    public var description: String {
        var text = "\(request): HTTP \(code)"
        if let reason = status?.reason { text += " \(reason)" }
        if let message = status?.message, !message.isEmpty { text += ": \(message)" }
        let fields = (status?.details?.causes ?? []).compactMap(\.field)
        if kind == .invalid, !fields.isEmpty, !(status?.message ?? "").contains(fields[0]) {
            text += " (fields: \(fields.joined(separator: ", ")))"
        }
        return text
    }
}
