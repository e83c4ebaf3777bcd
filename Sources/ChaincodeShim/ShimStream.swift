import ChaincodeProtocol
import Foundation
import GRPCCore

/// The shim's state machine on one Register stream: REGISTER → REGISTERED →
/// READY, then INIT/TRANSACTION run concurrently, RESPONSE/ERROR go to the
/// waiting request, KEEPALIVE is echoed. Anything else ends the stream.
struct ShimStream<Code: Chaincode>: Sendable {
    let chaincode: Code
    let chaincodeID: String

    private enum Phase { case created, established, ready }

    func run(_ client: Protos_ChaincodeSupport.Client<some ClientTransport>) async throws {
        let endpoint = ShimStreamEndpoint()
        var id = Protos_ChaincodeID()
        id.name = chaincodeID
        try endpoint.send(Protos_ChaincodeMessage(type: .register, payload: try id.serializedData()))

        // The request stream writes the queued frames, REGISTER first, until the endpoint closes.
        let request = StreamingClientRequest<Protos_ChaincodeMessage> { writer in
            try await endpoint.drain(into: writer)
        }
        do {
            try await client.register(request: request) { response in
                try await withThrowingDiscardingTaskGroup { transactions in
                    do {
                        var phase = Phase.created
                        for try await message in response.messages {
                            switch (phase, message.type) {
                            case (_, .keepalive):
                                try endpoint.send(message)
                            case (.created, .registered):
                                phase = .established
                            case (.established, .ready):
                                phase = .ready
                            case (.ready, .init_), (.ready, .transaction):
                                // The chaincode's code runs where the program runs its tasks, not on the stream's event loop.
                                transactions.addTask(executorPreference: globalConcurrentExecutor) {
                                    await execute(message, endpoint: endpoint)
                                }
                            case (.ready, .response), (.ready, .error):
                                try endpoint.deliver(message)
                            case (_, .error):
                                throw ShimError.peer(String(decoding: message.payload, as: UTF8.self))
                            default:
                                throw ShimError.protocolViolation("chaincode cannot handle message (\(message.type.protoName)) while in state \(phase)")
                            }
                        }
                    } catch {
                        // Fail pending requests first so running transactions can finish.
                        endpoint.close(reason: "\(error)")
                        throw error
                    }
                    endpoint.close(reason: "the peer ended the stream")
                }
            }
        } catch {
            endpoint.close(reason: "\(error)")
            throw error
        }
        endpoint.close(reason: "the peer ended the stream")
    }

    /// Runs one INIT/TRANSACTION and answers COMPLETED (with the response and event) or ERROR.
    private func execute(_ message: Protos_ChaincodeMessage, endpoint: ShimStreamEndpoint) async {
        let stub: ChaincodeStub
        do {
            let input = try Protos_ChaincodeInput(serializedBytes: message.payload)
            stub = try ChaincodeStub(
                txID: message.txid, channelID: message.channelID, input: input,
                proposal: message.hasProposal ? message.proposal : nil, endpoint: endpoint)
        } catch {
            try? endpoint.send(.error("\(message.type.protoName) failed: \(error)", answering: message))
            return
        }
        var response: ChaincodeResponse
        do {
            response = message.type == .init_ ? try await chaincode.initialize(stub) : try await chaincode.invoke(stub)
        } catch {
            response = .failure("\(error)")
        }
        var completed = Protos_ChaincodeMessage(type: .completed, txid: message.txid, channelID: message.channelID)
        do {
            completed.payload = try response.serializedData()
        } catch {
            try? endpoint.send(.error("failed to marshal response: \(error)", answering: message))
            return
        }
        if let event = stub.event { completed.chaincodeEvent = event }
        // If the stream is gone the peer has already failed this transaction.
        try? endpoint.send(completed)
    }
}
