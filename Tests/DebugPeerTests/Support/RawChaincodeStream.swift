import ChaincodeProtocol
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import K8sVMTesting
import TestSupport
import Testing

/// A hand-driven Register stream for protocol-level tests: send any frame, read
/// the peer's frames one by one, see how the stream ended. One reader only.
final class RawChaincodeStream: @unchecked Sendable {
    private let outbound: AsyncStream<Protos_ChaincodeMessage>.Continuation
    private let task: Task<Void, Never>
    private var iterator: AsyncThrowingStream<Protos_ChaincodeMessage, any Error>.Iterator

    init(address: String) throws {
        let port = Int(address.split(separator: ":")[1])!
        let (outboundStream, outbound) = AsyncStream<Protos_ChaincodeMessage>.makeStream()
        let (inbound, inboundContinuation) = AsyncThrowingStream<Protos_ChaincodeMessage, any Error>.makeStream()
        let transport = try HTTP2ClientTransport.Posix(target: .ipv4(host: "127.0.0.1", port: port), transportSecurity: .plaintext)
        self.outbound = outbound
        self.iterator = inbound.makeAsyncIterator()
        task = Task {
            do {
                try await withGRPCClient(transport: transport) { client in
                    let request = StreamingClientRequest<Protos_ChaincodeMessage> { writer in
                        for await message in outboundStream { try await writer.write(message) }
                    }
                    try await Protos_ChaincodeSupport.Client(wrapping: client).register(request: request) { response in
                        for try await message in response.messages { inboundContinuation.yield(message) }
                    }
                    client.beginGracefulShutdown()
                }
                inboundContinuation.finish()
            } catch {
                inboundContinuation.finish(throwing: error)
            }
        }
    }

    func send(_ message: Protos_ChaincodeMessage) { outbound.yield(message) }

    /// Sends REGISTER for `id`.
    func register(_ id: String) throws {
        var chaincodeID = Protos_ChaincodeID()
        chaincodeID.name = id
        send(Protos_ChaincodeMessage(type: .register, payload: try chaincodeID.serializedData()))
    }

    /// Sends REGISTER for `id` and expects the peer to answer REGISTERED, then READY.
    func registerAndAwaitReady(_ id: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try register(id)
        #expect(try await next()?.type == .registered, sourceLocation: sourceLocation)
        #expect(try await next()?.type == .ready, sourceLocation: sourceLocation)
    }

    /// The next frame, nil when the stream ended cleanly; throws the error it ended with.
    func next(timeout: Double = 10) async throws -> Protos_ChaincodeMessage? {
        try await withTimeout(timeout, "a frame from the peer") { try await self.iterator.next() }
    }

    /// The next frame that is not KEEPALIVE.
    func nextIgnoringKeepalive(timeout: Double = 10) async throws -> Protos_ChaincodeMessage? {
        while let message = try await next(timeout: timeout) {
            if message.type != .keepalive { return message }
        }
        return nil
    }

    /// The frames the peer sends until the stream ends, and the error it ended with (nil: clean end).
    func drain(timeout: Double = 10) async throws -> (messages: [Protos_ChaincodeMessage], error: (any Error)?) {
        var messages: [Protos_ChaincodeMessage] = []
        do {
            while let message = try await next(timeout: timeout) { messages.append(message) }
            return (messages, nil)
        } catch let timeout as TimedOut {
            throw timeout
        } catch {
            return (messages, error)
        }
    }

    /// Ends the stream from the client side and waits.
    func close() async {
        outbound.finish()
        task.cancel()
        _ = await task.value
    }
}


/// Opens a stream to the peer at `address`, runs `body`, and always closes the stream.
func withRawStream<T>(address: String, _ body: (RawChaincodeStream) async throws -> T) async throws -> T {
    let stream = try RawChaincodeStream(address: address)
    return try await withCleanup({ await stream.close() }) { try await body(stream) }
}
