import ChaincodeProtocol
import Foundation

/// Invoking chaincode: INIT/TRANSACTION through the chaincode's stream, commit
/// on success, events to subscribers.
extension DebugPeer {
    /// Every chaincode event of transactions committed from now on.
    public func events() -> AsyncStream<ChaincodeEventRecord> { broadcaster.subscribe() }

    /// Runs a transaction (TRANSACTION, or INIT when `isInit`) and commits its
    /// writes when the chaincode's response status is below 400.
    public func invoke(
        chaincode: String, args: [Data], channel: String? = nil, isInit: Bool = false, transient: [String: Data] = [:]
    ) async throws -> Protos_Response {
        try await transact(chaincode: chaincode, args: args, channel: channel, isInit: isInit, transient: transient, mode: .invoke).response
    }

    /// Runs a transaction like ``invoke(chaincode:args:channel:isInit:transient:)`` but discards its writes and events.
    public func query(
        chaincode: String, args: [Data], channel: String? = nil, transient: [String: Data] = [:]
    ) async throws -> Protos_Response {
        try await transact(chaincode: chaincode, args: args, channel: channel, isInit: false, transient: transient, mode: .query).response
    }

    /// String-argument convenience for ``invoke(chaincode:args:channel:isInit:transient:)``.
    public func invoke(chaincode: String, _ args: String..., channel: String? = nil) async throws -> Protos_Response {
        try await invoke(chaincode: chaincode, args: args.map { Data($0.utf8) }, channel: channel)
    }

    /// String-argument convenience for ``query(chaincode:args:channel:transient:)``.
    public func query(chaincode: String, _ args: String..., channel: String? = nil) async throws -> Protos_Response {
        try await query(chaincode: chaincode, args: args.map { Data($0.utf8) }, channel: channel)
    }

    /// Runs a transaction and reports its id and channel with the response; `mode`
    /// decides whether a successful transaction's writes and event are committed.
    public func transact(
        chaincode: String, args: [Data], channel: String? = nil, isInit: Bool = false, transient: [String: Data] = [:],
        mode: TransactionMode
    ) async throws -> TransactionResult {
        guard address != nil else { throw DebugPeerError.notRunning }
        let session = try registry.session(for: chaincode)
        let channel = channel ?? configuration.defaultChannel

        var input = Protos_ChaincodeInput()
        input.args = args
        input.isInit = isInit
        let (txID, proposal) = try proposals.make(channel: channel, transient: transient)
        var message = Protos_ChaincodeMessage(
            type: isInit ? .init_ : .transaction, payload: try input.serializedData(), txid: txID, channelID: channel)
        message.proposal = proposal
        let size = message.payload.count + message.proposal.proposalBytes.count
        guard size <= configuration.maxMessageSize else {
            throw DebugPeerError.messageTooLarge(size: size, limit: configuration.maxMessageSize)
        }

        let reply = try await session.execute(message, disposition: mode == .query ? .discard : .commit).message
        guard reply.type == .completed else {
            throw DebugPeerError.transactionFailed(
                chaincode: session.chaincodeID, txID: txID, message: String(decoding: reply.payload, as: UTF8.self))
        }
        do {
            return TransactionResult(
                txID: txID, channel: channel, chaincodeID: session.chaincodeID, response: try Protos_Response(serializedBytes: reply.payload))
        } catch {
            throw DebugPeerError.invalidMessage("COMPLETED payload is not a Response: \(error)")
        }
    }
}
