import ChaincodeProtocol
import Foundation
import SwiftProtobuf

/// A protobuf message the stub can serialize.
typealias SwiftProtobufMessage = SwiftProtobuf.Message

/// The parts of a SignedProposal a chaincode can read, extracted like the Go
/// shim does: the header must be an ENDORSER_TRANSACTION or CONFIG header.
struct ProposalDetails {
    var creator = Data()
    var transient: [String: Data] = [:]
    var timestamp: Date?

    init() {}

    init(_ signed: Protos_SignedProposal) throws {
        let proposal = try Protos_Proposal(serializedBytes: signed.proposalBytes)
        guard !proposal.header.isEmpty else {
            throw ShimError.protocolViolation("failed to extract Proposal fields: proposal header is nil")
        }
        let header = try Common_Header(serializedBytes: proposal.header)
        let channelHeader = try Common_ChannelHeader(serializedBytes: header.channelHeader)
        let type = Common_HeaderType(rawValue: Int(channelHeader.type))
        guard type == .endorserTransaction || type == .config else {
            throw ShimError.protocolViolation("invalid channel header type \(channelHeader.type)")
        }
        creator = try Common_SignatureHeader(serializedBytes: header.signatureHeader).creator
        transient = try Protos_ChaincodeProposalPayload(serializedBytes: proposal.payload).transientMap
        timestamp = channelHeader.hasTimestamp ? channelHeader.timestamp.date : nil
    }
}
