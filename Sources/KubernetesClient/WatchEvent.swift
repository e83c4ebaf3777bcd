import Foundation

/// One line of a watch stream.
public enum WatchEvent<Object: KubernetesResource>: Sendable {
    case added(Object)
    case modified(Object)
    case deleted(Object)
    /// Progress with no change: the watch may resume from this resourceVersion.
    case bookmark(resourceVersion: String)
    /// The server ended the watch with a `Status`: `Expired`/410 when the resourceVersion is too old.
    case error(KubernetesStatus)

    /// Decodes one line of a watch response.
    static func decode(line: String) throws -> WatchEvent {
        let data = Data(line.utf8)
        let decoder = JSONDecoder()
        let type = try decoder.decode(Envelope.self, from: data).type
        switch type {
        case "ADDED": return .added(try decoder.decode(Typed<Object>.self, from: data).object)
        case "MODIFIED": return .modified(try decoder.decode(Typed<Object>.self, from: data).object)
        case "DELETED": return .deleted(try decoder.decode(Typed<Object>.self, from: data).object)
        case "BOOKMARK":
            let metadata = try decoder.decode(Typed<BookmarkObject>.self, from: data).object.metadata
            return .bookmark(resourceVersion: metadata.resourceVersion ?? "")
        case "ERROR": return .error(try decoder.decode(Typed<KubernetesStatus>.self, from: data).object)
        default: throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unknown watch event type \(type)"))
        }
    }

}

/// A watch line's `type`.
private struct Envelope: Decodable { var type: String }
/// A watch line's `object`, read as `T`.
private struct Typed<T: Decodable>: Decodable { var object: T }
/// A bookmark's object carries nothing but its resourceVersion.
private struct BookmarkObject: Decodable { var metadata: ListMeta }

/// A watch stream's events as they arrive. It ends when the server ends the stream (its `timeoutSeconds`, a
/// restart); `ResumableWatch` continues from there.
public struct WatchEvents<Object: KubernetesResource>: AsyncSequence, Sendable {
    public typealias Element = WatchEvent<Object>
    let lines: ResponseLines

    public struct AsyncIterator: AsyncIteratorProtocol {
        var lines: ResponseLines.AsyncIterator

        public mutating func next() async throws -> WatchEvent<Object>? {
            while let line = try await lines.next() {
                if line.isEmpty { continue }
                return try WatchEvent<Object>.decode(line: line)
            }
            return nil
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(lines: lines.makeAsyncIterator()) }
}
