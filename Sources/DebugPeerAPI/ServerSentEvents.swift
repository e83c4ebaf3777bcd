import DebugPeer
import Foundation
import NIOCore

/// Chaincode events encoded as server-sent events: `event: <name>` and one
/// `data:` line of JSON per event (see ``EventBody``), starting with a comment
/// line so clients know the stream is open.
struct ServerSentEvents: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let events: AsyncStream<ChaincodeEventRecord>

    init(_ events: AsyncStream<ChaincodeEventRecord>) { self.events = events }

    func makeAsyncIterator() -> Iterator { Iterator(events: events.makeAsyncIterator()) }

    struct Iterator: AsyncIteratorProtocol {
        var events: AsyncStream<ChaincodeEventRecord>.Iterator
        var greeted = false

        mutating func next() async throws -> ByteBuffer? {
            guard greeted else {
                greeted = true
                return ByteBuffer(string: ": k8svm debug peer events\n\n")
            }
            guard let record = await events.next() else { return nil }
            let data = String(decoding: try JSONEncoder().encode(EventBody(record)), as: UTF8.self)
            let name = record.name.replacingOccurrences(of: "\n", with: " ")
            return ByteBuffer(string: "event: \(name)\ndata: \(data)\n\n")
        }
    }
}
