import ChaincodeProtocol
import Foundation

/// A chaincode's answer to a transaction: status (< 400 success), message, payload.
public typealias ChaincodeResponse = Protos_Response

extension Protos_Response {
    /// Status 200 with `payload`.
    public static func success(_ payload: Data = Data()) -> Self { Self(status: 200, payload: payload) }

    /// Status 200 with a UTF-8 string payload.
    public static func success(_ payload: String) -> Self { Self(status: 200, payload: Data(payload.utf8)) }

    /// An error response (status 500 unless given), as Go's `shim.Error`.
    public static func failure(_ message: String, status: Int32 = 500) -> Self { Self(status: status, message: message) }
}

/// The code of a chaincode. The shim calls ``initialize(_:)`` for INIT and
/// ``invoke(_:)`` for every TRANSACTION, concurrently for concurrent
/// transactions. A thrown error becomes a status-500 response carrying its description.
public protocol Chaincode: Sendable {
    /// Handles INIT (legacy `--isInit` invocations). The default returns success.
    func initialize(_ stub: ChaincodeStub) async throws -> ChaincodeResponse
    /// Handles a transaction.
    func invoke(_ stub: ChaincodeStub) async throws -> ChaincodeResponse
}

extension Chaincode {
    public func initialize(_ stub: ChaincodeStub) async throws -> ChaincodeResponse { .success() }
}
