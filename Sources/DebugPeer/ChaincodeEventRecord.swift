import ChaincodeProtocol
import Foundation

/// A chaincode event from a committed transaction (COMPLETED with status < 400).
public struct ChaincodeEventRecord: Sendable, Hashable {
    /// The channel the transaction ran on.
    public var channel: String
    /// The id the emitting chaincode registered with.
    public var chaincodeID: String
    /// The event as the chaincode set it, with `chaincodeID` (the namespace) and `txID` filled in by the peer.
    public var event: Protos_ChaincodeEvent

    /// The event name given to SetEvent.
    public var name: String { event.eventName }
    /// The event payload given to SetEvent.
    public var payload: Data { event.payload }
    /// The transaction that emitted the event.
    public var txID: String { event.txID }
}
