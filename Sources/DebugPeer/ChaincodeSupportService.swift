import ChaincodeProtocol
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2

/// The peer's `protos.ChaincodeSupport/Register` endpoint: accepts REGISTER,
/// answers REGISTERED then READY, and serves the stream until it ends.
struct ChaincodeSupportService: Protos_ChaincodeSupport.SimpleServiceProtocol {
    let registry: ChaincodeRegistry
    let world: WorldState
    let events: EventBroadcaster
    let configuration: DebugPeerConfiguration
    /// With TLS on: who each issued client certificate belongs to, checked at REGISTER.
    let clientCertificates: ClientCertificateOwners?

    func register(
        request: RPCAsyncSequence<Protos_ChaincodeMessage, any Error>,
        response: RPCWriter<Protos_ChaincodeMessage>,
        context: ServerContext
    ) async throws {
        var messages = request.makeAsyncIterator()
        guard let first = try await messages.next() else { return }
        guard first.type == .register else {
            try await refuse(first, code: .failedPrecondition, response: response,
                "[\(first.txid)] Fabric side handler cannot handle message (\(first.type.protoName)) while in created state; the first message must be REGISTER")
        }
        let chaincodeID: Protos_ChaincodeID
        do {
            chaincodeID = try Protos_ChaincodeID(serializedBytes: first.payload)
        } catch {
            try await refuse(first, code: .invalidArgument, response: response, "could not unmarshal REGISTER payload as ChaincodeID: \(error)")
        }
        guard !chaincodeID.name.isEmpty else {
            try await refuse(first, code: .invalidArgument, response: response, "REGISTER carries an empty chaincode id name")
        }
        if let clientCertificates {
            let presented = (context.transportSpecific as? HTTP2ServerTransport.Posix.Context)?.peerCertificate
            if let refusal = clientCertificates.refusal(registering: chaincodeID.name, presenting: presented) {
                try await refuse(first, code: .permissionDenied, response: response, refusal)
            }
        }

        let registry = self.registry
        let outbox = ChaincodeMessageOutbox()
        let session = ChaincodeSession(
            chaincodeID: chaincodeID.name, outbox: outbox, world: world,
            pageSize: configuration.rangeQueryPageSize, events: events,
            resolve: { try registry.session(for: $0) })
        do {
            try registry.reserve(session)
        } catch {
            try await refuse(first, code: .alreadyExists, response: response,
                "duplicate chaincodeID: \(chaincodeID.name) is already registered on a live stream")
        }
        defer { registry.remove(session) }

        do {
            try await withThrowingDiscardingTaskGroup { group in
                // Every frame to the chaincode goes through the outbox, so frames ready together are written together.
                group.addTask { try await outbox.drain(into: response) }
                session.send(Protos_ChaincodeMessage(type: .registered))
                session.send(Protos_ChaincodeMessage(type: .ready))
                registry.markReady(session)
                if let interval = configuration.keepaliveInterval {
                    group.addTask {
                        while true {
                            try await Task.sleep(for: interval)
                            session.send(Protos_ChaincodeMessage(type: .keepalive))
                        }
                    }
                }
                let persisting = world.fileURL != nil
                while let message = try await messages.next() {
                    if persisting && message.type == .completed {
                        // The commit saves the state file: that write blocks a worker thread, not the event loop.
                        await withTaskExecutorPreference(globalConcurrentExecutor) { session.handle(message) }
                    } else {
                        session.handle(message)
                    }
                    await outbox.waitForRoom()
                }
                group.cancelAll()
            }
            session.close(reason: "the chaincode closed its stream")
        } catch {
            session.close(reason: "the stream failed: \(error)")
            throw error
        }
    }

    /// Sends ERROR naming the problem, then ends the stream with a gRPC error.
    private func refuse(
        _ message: Protos_ChaincodeMessage, code: RPCError.Code, response: RPCWriter<Protos_ChaincodeMessage>, _ text: String
    ) async throws -> Never {
        try? await response.write(.error(text, answering: message))
        throw RPCError(code: code, message: text)
    }
}
