import Foundation

/// Copies a container's log to a sink while it runs. A stream that breaks before the container ended (an API server
/// restart) is opened again from the last line's timestamp, and lines already copied are skipped.
public actor PodLogFollower {
    let client: KubernetesClient
    let namespace: String
    let pod: String
    let container: String
    private let sink: @Sendable (String) -> Void
    private var lastTimestamp: LogTimestamp?
    private var containerEnded = false
    private var firstRequestDone = false
    private var firstRequestWaiters: [CheckedContinuation<Void, Never>] = []

    public init(client: KubernetesClient, namespace: String, pod: String, container: String, sink: @escaping @Sendable (String) -> Void) {
        self.client = client
        self.namespace = namespace
        self.pod = pod
        self.container = container
        self.sink = sink
    }

    /// Tells the follower the container has ended: the next time its stream ends, the log is complete.
    public func markContainerEnded() {
        containerEnded = true
    }

    /// Returns once the first log request has its answer (the stream is open, or the request failed), or the
    /// follower ended before making it.
    public func firstRequestAnswered() async {
        guard !firstRequestDone else { return }
        await withCheckedContinuation { firstRequestWaiters.append($0) }
    }

    /// Follows until the log is complete, the Pod is gone, or the task is cancelled.
    public func run() async {
        defer { answerFirstRequest() }
        while !Task.isCancelled {
            let endedBeforeThisStream = containerEnded
            do {
                let lines: ResponseLines
                do {
                    defer { answerFirstRequest() }
                    lines = try await client.logs(pod: pod, namespace: namespace, container: container, follow: true,
                                                  timestamps: true, sinceTime: lastTimestamp?.text)
                }
                for try await line in lines { copy(line) }
            } catch let error as KubernetesError where error.kind == .notFound || error.kind == .badRequest {
                return  // the Pod is gone, or its container never started
            } catch {
                // The stream broke (the API server went away): open it again from the last line.
                if Task.isCancelled || endedBeforeThisStream { return }
                try? await Task.sleep(for: .milliseconds(300))
                continue
            }
            if endedBeforeThisStream { return }
            if await containerEndsSoon() { return }
        }
    }

    /// A followed log the server ends cleanly means the container ended (or, rarely, the server closed it): the
    /// Pod's watch tells which, usually within a moment. Waiting for it spares a request.
    private func containerEndsSoon() async -> Bool {
        for _ in 0..<40 where !Task.isCancelled {
            if containerEnded { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return containerEnded
    }

    private func answerFirstRequest() {
        guard !firstRequestDone else { return }
        firstRequestDone = true
        for waiter in firstRequestWaiters { waiter.resume() }
        firstRequestWaiters = []
    }

    private func copy(_ line: String) {
        guard let space = line.firstIndex(of: " "), let timestamp = LogTimestamp(line[..<space]) else {
            sink(line)
            return
        }
        if let last = lastTimestamp, timestamp <= last { return }
        lastTimestamp = timestamp
        sink(String(line[line.index(after: space)...]))
    }
}

/// The RFC 3339 time the API server puts before each log line with `timestamps=true`; ordered by instant
/// (trailing zeros of the fraction are trimmed by the server, so the text alone does not order).
struct LogTimestamp: Comparable, Sendable {
    let text: String
    private let seconds: Substring
    private let nanoseconds: Int

    init?(_ text: Substring) {
        guard text.hasSuffix("Z"), text.count >= 20 else { return nil }
        self.text = String(text)
        let body = text.dropLast()
        if let dot = body.firstIndex(of: ".") {
            let fraction = body[body.index(after: dot)...]
            guard fraction.count <= 9, let value = Int(fraction) else { return nil }
            seconds = body[..<dot]
            nanoseconds = value * Int(pow(10, Double(9 - fraction.count)))
        } else {
            seconds = body
            nanoseconds = 0
        }
    }

    static func < (lhs: LogTimestamp, rhs: LogTimestamp) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    static func == (lhs: LogTimestamp, rhs: LogTimestamp) -> Bool {
        lhs.seconds == rhs.seconds && lhs.nanoseconds == rhs.nanoseconds
    }
}
