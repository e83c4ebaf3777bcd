import Synchronization

/// Fans committed chaincode events out to every current subscriber.
final class EventBroadcaster: Sendable {
    private let subscribers = Mutex<(next: Int, continuations: [Int: AsyncStream<ChaincodeEventRecord>.Continuation])>((0, [:]))

    /// A new stream receiving every event published from now on.
    func subscribe() -> AsyncStream<ChaincodeEventRecord> {
        let (stream, continuation) = AsyncStream<ChaincodeEventRecord>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        let id = subscribers.withLock { state in
            state.next += 1
            state.continuations[state.next] = continuation
            return state.next
        }
        continuation.onTermination = { [weak self] _ in
            self?.subscribers.withLock { _ = $0.continuations.removeValue(forKey: id) }
        }
        return stream
    }

    func publish(_ record: ChaincodeEventRecord) {
        let targets = subscribers.withLock { Array($0.continuations.values) }
        for continuation in targets { continuation.yield(record) }
    }

    /// Ends every subscriber's stream.
    func finishAll() {
        let targets = subscribers.withLock { state in
            defer { state.continuations.removeAll() }
            return Array(state.continuations.values)
        }
        for continuation in targets { continuation.finish() }
    }
}
