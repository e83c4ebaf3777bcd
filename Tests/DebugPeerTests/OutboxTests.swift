import ChaincodeProtocol
import GRPCCore
import K8sVMTesting
import Synchronization
import Testing

/// The outbox both ends of a Register stream write through: frames in order, queued frames written
/// together, a reader held back while it is full, nothing accepted or written after close.
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

    @Test func aReaderWaitsForRoomUntilTheDrainTakesTheFrames() async throws {
        let outbox = ChaincodeMessageOutbox(capacity: 2)
        #expect(outbox.enqueue(Protos_ChaincodeMessage(type: .response)))
        #expect(outbox.enqueue(Protos_ChaincodeMessage(type: .response)))
        let roomFound = Mutex(false)
        let reader = Task {
            await outbox.waitForRoom()
            roomFound.withLock { $0 = true }
        }
        try await Task.sleep(for: .milliseconds(200))
        #expect(!roomFound.withLock { $0 }, "a full outbox let the reader go on")

        let recorder = RecordingWriter()
        let drain = Task { try await outbox.drain(into: RPCWriter(wrapping: recorder)) }
        try await withTimeout(5, "the reader to find room") { await reader.value }
        #expect(roomFound.withLock { $0 })
        outbox.close()
        try await drain.value
        #expect(recorder.writes.withLock { $0 } == [[.response, .response]])
    }

    @Test func closingReleasesAWaitingReader() async throws {
        let outbox = ChaincodeMessageOutbox(capacity: 1)
        #expect(outbox.enqueue(Protos_ChaincodeMessage(type: .response)))
        let reader = Task { await outbox.waitForRoom() }
        try await Task.sleep(for: .milliseconds(50))
        outbox.close()
        try await withTimeout(5, "the reader to be released") { await reader.value }
    }
}
