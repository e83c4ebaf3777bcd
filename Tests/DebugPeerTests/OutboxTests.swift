import ChaincodeProtocol
import GRPCCore
import Synchronization
import Testing

/// The outbox both ends of a Register stream write through: frames in order, queued frames written
/// together, nothing accepted or written after close.
@Suite struct OutboxTests {
    /// Records each write the outbox makes, as the list of frame types written together.
    private final class RecordingWriter: RPCWriterProtocol, Sendable {
        let writes = Mutex<[[Protos_ChaincodeMessage.TypeEnum]]>([])

        func write(_ element: Protos_ChaincodeMessage) async throws {
            try await write(contentsOf: [element])
        }

        func write(contentsOf elements: some Sequence<Protos_ChaincodeMessage>) async throws {
            let types = elements.map(\.type)
            writes.withLock { $0.append(types) }
        }
    }

    @Test func framesQueuedBeforeTheDrainGoOutTogetherInOrder() async throws {
        let outbox = ChaincodeMessageOutbox()
        let recorder = RecordingWriter()
        #expect(outbox.enqueue(Protos_ChaincodeMessage(type: .register)))
        #expect(outbox.enqueue(Protos_ChaincodeMessage(type: .keepalive)))
        let drain = Task { try await outbox.drain(into: RPCWriter(wrapping: recorder)) }
        try await withTimeout(5, "the first write") {
            while recorder.writes.withLock({ $0.isEmpty }) { await Task.yield() }
        }
        #expect(outbox.enqueue(Protos_ChaincodeMessage(type: .completed)))
        try await withTimeout(5, "the second write") {
            while recorder.writes.withLock({ $0.count < 2 }) { await Task.yield() }
        }
        outbox.close()
        try await drain.value
        #expect(!outbox.enqueue(Protos_ChaincodeMessage(type: .keepalive)))
        #expect(recorder.writes.withLock { $0 } == [[.register, .keepalive], [.completed]])
    }

    @Test func cancellingTheDrainClosesTheOutbox() async throws {
        let outbox = ChaincodeMessageOutbox()
        let drain = Task { try await outbox.drain(into: RPCWriter(wrapping: RecordingWriter())) }
        drain.cancel()
        try await withTimeout(5, "the drain to end") { try await drain.value }
        #expect(!outbox.enqueue(Protos_ChaincodeMessage(type: .keepalive)))
    }
}
