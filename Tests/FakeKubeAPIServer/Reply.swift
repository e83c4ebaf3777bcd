/// What the API layer answers to one request, before it is written by a ``Responder``.
enum Reply: Sendable {
    case json(status: Int, body: JSON, headers: [(String, String)])
    /// A recorded body served verbatim (discovery/).
    case raw(status: Int, body: String, contentType: String)
    case failure(APIError)
    /// A chunked stream (watch or followed log); `start` gets the sink once headers are flushed.
    case stream(contentType: String, start: @Sendable (StreamSink) -> Void)

    static func ok(_ body: JSON, headers: [(String, String)] = []) -> Reply { .json(status: 200, body: body, headers: headers) }
}
