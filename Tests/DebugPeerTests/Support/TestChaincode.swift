import ChaincodeShim
import Foundation

/// A chaincode for tests, driven by its first argument:
/// `put k v`, `putLarge k size`, `get k`, `del k`, `putThenFail k v`, `keys start end`,
/// `event name payload`, `metadata k mk v`, `readMetadata k`, `context`,
/// `call cc channel|- fn args…`, `callThenFail cc fn args…`.
struct TestChaincode: Chaincode {
    func initialize(_ stub: ChaincodeStub) async throws -> ChaincodeResponse {
        try await stub.putState("initialized", stub.parameters.joined(separator: ","))
        return .success("init done")
    }

    func invoke(_ stub: ChaincodeStub) async throws -> ChaincodeResponse {
        let p = stub.parameters
        switch stub.function {
        case "put":
            try await stub.putState(p[0], p[1])
            return .success()
        case "putLarge":
            try await stub.putState(p[0], Data(repeating: 0x61, count: Int(p[1])!))
            return .success()
        case "get":
            guard let value = try await stub.getState(p[0]) else { return .failure("missing \(p[0])", status: 404) }
            return .success(value)
        case "del":
            try await stub.deleteState(p[0])
            return .success()
        case "putThenFail":
            try await stub.putState(p[0], p[1])
            try stub.setEvent("never", payload: Data())
            return .failure("refused on purpose")
        case "keys":
            var keys: [String] = []
            for try await record in try await stub.getStateByRange(from: p[0], to: p[1]) { keys.append(record.key) }
            return .success(keys.joined(separator: ","))
        case "event":
            try stub.setEvent(p[0], payload: Data(p[1].utf8))
            return .success()
        case "metadata":
            try await stub.putStateMetadata(p[0], metakey: p[1], value: Data(p[2].utf8))
            return .success()
        case "readMetadata":
            let metadata = try await stub.getStateMetadata(p[0])
            return .success(metadata.keys.sorted().map { "\($0)=\(String(decoding: metadata[$0]!, as: UTF8.self))" }.joined(separator: ","))
        case "call":
            // call <chaincode> <channel or -> <function> <args…>: returns the callee's response.
            let channel = p[1] == "-" ? "" : p[1]
            return try await stub.invokeChaincode(p[0], args: p.dropFirst(2).map { Data($0.utf8) }, channel: channel)
        case "callThenFail":
            _ = try await stub.invokeChaincode(p[0], args: p.dropFirst(1).map { Data($0.utf8) })
            return .failure("caller refused after the call")
        case "context":
            return .success("\(stub.txID)|\(stub.channelID)|\(stub.creatorMSPID ?? "-")|\(stub.timestamp != nil)")
        default:
            throw ShimError.peer("unknown function \(stub.function)")
        }
    }
}
