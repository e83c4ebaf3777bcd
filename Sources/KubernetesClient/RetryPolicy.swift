/// How requests the server turned away for now (429, 5xx, connection refused) are tried again.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var attempts: Int
    /// The wait before the second attempt; it doubles after each failure, up to `maximumDelay`.
    public var initialDelay: Duration
    public var maximumDelay: Duration
    /// The longest `Retry-After` honoured.
    public var maximumRetryAfter: Duration

    public init(attempts: Int = 6, initialDelay: Duration = .milliseconds(200), maximumDelay: Duration = .seconds(5),
                maximumRetryAfter: Duration = .seconds(30)) {
        self.attempts = attempts
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.maximumRetryAfter = maximumRetryAfter
    }

    /// The wait before attempt `attempt + 1`, preferring the server's `Retry-After` seconds.
    func delay(afterAttempt attempt: Int, retryAfter: Int?) -> Duration {
        if let retryAfter { return min(.seconds(retryAfter), maximumRetryAfter) }
        var delay = initialDelay
        for _ in 1..<max(attempt, 1) { delay = min(delay * 2, maximumDelay) }
        return delay
    }
}
