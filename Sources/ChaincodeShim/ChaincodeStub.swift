import ChaincodeProtocol
import Foundation
import Synchronization

/// What a chaincode sees of one transaction: its arguments and identity, and
/// access to the world state through the peer. Reads see committed state; writes
/// are buffered by the peer and committed only if the transaction succeeds.
public final class ChaincodeStub: Sendable {
    /// The transaction id.
    public let txID: String
    /// The channel the transaction runs on.
    public let channelID: String
    /// The raw arguments (`ChaincodeInput.args`).
    public let args: [Data]
    /// Data passed privately with the proposal (never written to the ledger).
    public let transient: [String: Data]
    /// The proposal's creator: a serialized `msp.SerializedIdentity`, empty when absent.
    public let creator: Data
    /// When the client created the proposal, if the proposal carries it.
    public let timestamp: Date?
    /// The proposal as the peer sent it.
    public let signedProposal: Protos_SignedProposal?

    private let endpoint: ShimStreamEndpoint
    private let pendingEvent = Mutex<Protos_ChaincodeEvent?>(nil)

    init(
        txID: String, channelID: String, input: Protos_ChaincodeInput, proposal: Protos_SignedProposal?,
        endpoint: ShimStreamEndpoint
    ) throws {
        self.txID = txID
        self.channelID = channelID
        self.args = input.args
        self.signedProposal = proposal
        self.endpoint = endpoint
        let details = try proposal.map(ProposalDetails.init) ?? ProposalDetails()
        self.transient = details.transient
        self.creator = details.creator
        self.timestamp = details.timestamp
    }

    /// The arguments as UTF-8 strings.
    public var stringArgs: [String] { args.map { String(decoding: $0, as: UTF8.self) } }

    /// The first argument: the function name, by convention.
    public var function: String { stringArgs.first ?? "" }

    /// The arguments after the function name.
    public var parameters: [String] { Array(stringArgs.dropFirst()) }

    /// The MSP id of the proposal's creator, if known.
    public var creatorMSPID: String? {
        guard let identity = try? Msp_SerializedIdentity(serializedBytes: creator), !identity.mspid.isEmpty else { return nil }
        return identity.mspid
    }

    // MARK: - State

    /// The committed value of `key`, or nil if the key does not exist.
    public func getState(_ key: String) async throws -> Data? {
        var request = Protos_GetState()
        request.key = key
        let value = try await send(.getState, request)
        return value.isEmpty ? nil : value
    }

    /// Writes `value` to `key` when the transaction commits.
    public func putState(_ key: String, _ value: Data) async throws {
        guard !key.isEmpty else { throw ShimError.peer("key must not be an empty string") }
        var request = Protos_PutState()
        request.key = key
        request.value = value
        _ = try await send(.putState, request)
    }

    /// Writes a UTF-8 string to `key` when the transaction commits.
    public func putState(_ key: String, _ value: String) async throws {
        try await putState(key, Data(value.utf8))
    }

    /// Deletes `key` when the transaction commits.
    public func deleteState(_ key: String) async throws {
        var request = Protos_DelState()
        request.key = key
        _ = try await send(.delState, request)
    }

    /// Keys in `[startKey, endKey)`; an empty `endKey` means no upper bound. Pages are fetched as the sequence is iterated.
    public func getStateByRange(from startKey: String, to endKey: String) async throws -> StateQueryResults {
        var request = Protos_GetStateByRange()
        // As the Go shim: an empty start key becomes 0x01, skipping composite keys (which start with 0x00).
        request.startKey = startKey.isEmpty ? "\u{01}" : startKey
        request.endKey = endKey
        let firstPage = try Protos_QueryResponse(serializedBytes: try await send(.getStateByRange, request))
        return StateQueryResults(firstPage: firstPage, endpoint: endpoint, txid: txID, channel: channelID)
    }

    /// The metadata entries of `key` (e.g. `VALIDATION_PARAMETER`).
    public func getStateMetadata(_ key: String) async throws -> [String: Data] {
        var request = Protos_GetStateMetadata()
        request.key = key
        let result = try Protos_StateMetadataResult(serializedBytes: try await send(.getStateMetadata, request))
        return Dictionary(result.entries.map { ($0.metakey, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// Sets one metadata entry of `key` when the transaction commits.
    public func putStateMetadata(_ key: String, metakey: String, value: Data) async throws {
        var request = Protos_PutStateMetadata()
        request.key = key
        request.metadata.metakey = metakey
        request.metadata.value = value
        _ = try await send(.putStateMetadata, request)
    }

    // MARK: - Calling other chaincode

    /// Calls another chaincode in this transaction (on `channel`, default this one).
    /// On the same channel its writes become part of this transaction; on another
    /// channel the call is read-only. The callee's failure, or the peer refusing the
    /// call, comes back as an error response (status 500), as in the Go shim.
    public func invokeChaincode(_ name: String, args: [Data], channel: String = "") async throws -> ChaincodeResponse {
        var spec = Protos_ChaincodeSpec()
        spec.chaincodeID.name = channel.isEmpty ? name : "\(name)/\(channel)"
        spec.input.args = args
        let payload: Data
        do {
            payload = try await send(.invokeChaincode, spec)
        } catch ShimError.peer(let message) {
            // As the Go shim: a refused call is an error response, not a thrown error.
            return .failure(message)
        }
        let reply = try Protos_ChaincodeMessage(serializedBytes: payload)
        guard reply.type == .completed else {
            return .failure(String(decoding: reply.payload, as: UTF8.self))
        }
        return try ChaincodeResponse(serializedBytes: reply.payload)
    }

    // MARK: - Events

    /// Sets the transaction's event (the last call wins), delivered if the transaction commits.
    public func setEvent(_ name: String, payload: Data = Data()) throws {
        guard !name.isEmpty else { throw ShimError.peer("event name can not be empty string") }
        var event = Protos_ChaincodeEvent()
        event.eventName = name
        event.payload = payload
        pendingEvent.withLock { $0 = event }
    }

    var event: Protos_ChaincodeEvent? { pendingEvent.withLock { $0 } }

    private func send(_ type: Protos_ChaincodeMessage.TypeEnum, _ request: some SwiftProtobufMessage) async throws -> Data {
        try await endpoint.request(type, payload: try request.serializedData(), txid: txID, channel: channelID)
    }
}
