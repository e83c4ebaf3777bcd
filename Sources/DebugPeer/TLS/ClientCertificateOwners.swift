import Foundation
import Synchronization
import X509

/// The chaincode each client certificate the peer issued belongs to. As a Fabric peer does (core/chaincode/
/// accesscontrol), a REGISTER over TLS is accepted only with a certificate issued for the chaincode it registers.
final class ClientCertificateOwners: Sendable {
    private let owners = Mutex<[Certificate: String]>([:])

    /// Records that `certificate` was issued for `chaincodeID`; certificates past their validity are forgotten.
    func record(_ certificate: Certificate, for chaincodeID: String) {
        let now = Date()
        owners.withLock { owners in
            owners = owners.filter { $0.key.notValidAfter > now }
            owners[certificate] = chaincodeID
        }
    }

    /// Why a REGISTER of `chaincodeID` presenting `certificate` must be refused, or nil when it may proceed.
    func refusal(registering chaincodeID: String, presenting certificate: Certificate?) -> String? {
        guard let certificate else {
            return "TLS is on but chaincode \(chaincodeID) presented no client certificate"
        }
        switch owners.withLock({ $0[certificate] }) {
        case chaincodeID?:
            return nil
        case let owner?:
            return "chaincode \(chaincodeID) presented the client certificate the debug peer issued for \(owner)"
        case nil:
            return "chaincode \(chaincodeID) presented a client certificate the debug peer did not issue to any chaincode"
        }
    }
}
