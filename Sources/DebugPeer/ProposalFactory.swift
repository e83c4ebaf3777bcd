import ChaincodeProtocol
import Crypto
import Foundation

/// Builds the SignedProposal attached to INIT/TRANSACTION. The official shims
/// parse it (header type must be ENDORSER_TRANSACTION; creator, timestamp,
/// transient map and binding come from it), so it is well formed, with a real
/// X.509 creator from the peer's CA. It is not signed: shims never verify it.
struct ProposalFactory: Sendable {
    /// The serialized `msp.SerializedIdentity` of every proposal's creator.
    private let creator: Data

    init(mspID: String, creatorCertificatePEM: String) throws {
        var identity = Msp_SerializedIdentity()
        identity.mspid = mspID
        identity.idBytes = Data(creatorCertificatePEM.utf8)
        creator = try identity.serializedData()
    }

    /// A fresh transaction id and the proposal carrying it.
    func make(channel: String, transient: [String: Data]) throws -> (txID: String, proposal: Protos_SignedProposal) {

        var generator = SystemRandomNumberGenerator()
        var nonce = Data(capacity: 24)
        for _ in 0..<3 { withUnsafeBytes(of: generator.next() as UInt64) { nonce.append(contentsOf: $0) } }
        // Fabric's txid: hex(SHA-256(nonce || creator)).
        var hasher = SHA256()
        hasher.update(data: nonce)
        hasher.update(data: creator)
        let txID = Self.hex(hasher.finalize())

        var channelHeader = Common_ChannelHeader()
        channelHeader.type = Int32(Common_HeaderType.endorserTransaction.rawValue)
        channelHeader.channelID = channel
        channelHeader.txID = txID
        channelHeader.timestamp = .init(date: Date())

        var signatureHeader = Common_SignatureHeader()
        signatureHeader.creator = creator
        signatureHeader.nonce = nonce

        var header = Common_Header()
        header.channelHeader = try channelHeader.serializedData()
        header.signatureHeader = try signatureHeader.serializedData()

        var payload = Protos_ChaincodeProposalPayload()
        payload.transientMap = transient

        var proposal = Protos_Proposal()
        proposal.header = try header.serializedData()
        proposal.payload = try payload.serializedData()

        var signed = Protos_SignedProposal()
        signed.proposalBytes = try proposal.serializedData()
        return (txID, signed)
    }

    private static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
