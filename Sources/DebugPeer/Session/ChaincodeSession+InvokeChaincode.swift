import ChaincodeProtocol
import Foundation

/// INVOKE_CHAINCODE: a chaincode calling another one inside its transaction,
/// served like Fabric's handler does: the callee runs a TRANSACTION with the
/// same txid (and the caller's proposal); on the same channel its writes join
/// the caller's transaction, on another channel they are dropped (read-only);
/// the answer is a RESPONSE carrying the callee's final frame.
extension ChaincodeSession {
    func invokeChaincode(_ message: Protos_ChaincodeMessage) async {
        let reply: Protos_ChaincodeMessage
        do {
            reply = .response(try await callChaincode(for: message).serializedData(), answering: message)
        } catch {
            let reason = (error as? StateRequestFailure)?.reason ?? "\(error)"
            reply = .error("INVOKE_CHAINCODE failed: transaction ID: \(message.txid): \(reason)", answering: message)
        }
        send(reply)
    }

    private func callChaincode(for message: Protos_ChaincodeMessage) async throws -> Protos_ChaincodeMessage {
        let spec = try Protos_ChaincodeSpec(serializedBytes: message.payload)
        // The Go shim sends "name" or "name/channel".
        let parts = spec.chaincodeID.name.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts.first ?? "")
        let channel = parts.count > 1 && !parts[1].isEmpty ? String(parts[1]) : message.channelID
        let callerKey = TransactionKey(channel: message.channelID, txid: message.txid)
        guard let proposal = proposal(of: callerKey) else { throw StateRequestFailure(reason: "no ledger context") }

        let target = try resolveChaincode(name)
        if target === self, channel == message.channelID {
            throw StateRequestFailure(reason: "chaincode \(name) cannot invoke itself within the same transaction")
        }
        var call = Protos_ChaincodeMessage(
            type: .transaction, payload: try spec.input.serializedData(), txid: message.txid, channelID: channel)
        call.proposal = proposal
        let sameChannel = channel == message.channelID
        let outcome = try await target.execute(call, disposition: sameChannel ? .handBack : .discard)
        if sameChannel { absorb(outcome.writes, into: callerKey) }
        return outcome.message
    }
}
