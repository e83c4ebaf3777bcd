/// One request the fake answered, for tests to inspect.
public struct RecordedRequest: Sendable {
    public let method: String
    /// Path without the query.
    public let path: String
    /// Raw query string.
    public let query: String
    /// Status code sent (200 for streams).
    public let status: Int
    /// True for a watch or a followed log.
    public let isStream: Bool
}
