import DebugPeer
import Foundation

/// A debug run as JSON.
struct RunBody: Encodable {
    var id: String
    var name: String
    var chaincodeID: String
    var phase: DebugRun.Phase
    var message: String?
    var created: String

    init(_ run: DebugRun) {
        id = run.id
        name = run.name
        chaincodeID = run.chaincodeID
        phase = run.phase
        message = run.message
        created = run.created.formatted(.iso8601)
    }
}

/// `GET /runs`.
struct RunListBody: Encodable {
    var runs: [RunBody]
}
