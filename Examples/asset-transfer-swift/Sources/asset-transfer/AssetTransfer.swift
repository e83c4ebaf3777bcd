import ChaincodeShim
import Foundation

/// An asset as the fabric-samples asset-transfer-basic chaincode stores it
/// (same JSON field names, so clients of the sample work unchanged).
struct Asset: Codable, Equatable {
    var ID: String
    var Color: String
    var Size: Int
    var Owner: String
    var AppraisedValue: Int
}

/// Errors shown to the client as the response message.
enum AssetError: Error, CustomStringConvertible {
    case exists(String)
    case missing(String)
    case arguments(function: String, expected: Int, got: Int)
    case notANumber(String)
    case unknownFunction(String)

    var description: String {
        switch self {
        case .exists(let id): "the asset \(id) already exists"
        case .missing(let id): "the asset \(id) does not exist"
        case .arguments(let function, let expected, let got): "\(function) expects \(expected) arguments, got \(got)"
        case .notANumber(let text): "'\(text)' is not an integer"
        case .unknownFunction(let name): "unknown function '\(name)'"
        }
    }
}

/// The asset-transfer chaincode: CreateAsset, ReadAsset, UpdateAsset,
/// DeleteAsset, TransferAsset, AssetExists, GetAllAssets; CreateAsset emits a
/// `CreateAsset` event carrying the new asset.
struct AssetTransfer: Chaincode {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    func invoke(_ stub: ChaincodeStub) async throws -> ChaincodeResponse {
        let arguments = stub.parameters
        func expect(_ count: Int) throws {
            guard arguments.count == count else {
                throw AssetError.arguments(function: stub.function, expected: count, got: arguments.count)
            }
        }
        switch stub.function {
        case "CreateAsset":
            try expect(5)
            let asset = try Asset(ID: arguments[0], Color: arguments[1], Size: number(arguments[2]), Owner: arguments[3], AppraisedValue: number(arguments[4]))
            guard try await stub.getState(asset.ID) == nil else { throw AssetError.exists(asset.ID) }
            let json = try Self.encoder.encode(asset)
            try await stub.putState(asset.ID, json)
            try stub.setEvent("CreateAsset", payload: json)
            return .success(json)
        case "ReadAsset":
            try expect(1)
            return .success(try await read(arguments[0], stub))
        case "UpdateAsset":
            try expect(5)
            _ = try await read(arguments[0], stub)
            let asset = try Asset(ID: arguments[0], Color: arguments[1], Size: number(arguments[2]), Owner: arguments[3], AppraisedValue: number(arguments[4]))
            let json = try Self.encoder.encode(asset)
            try await stub.putState(asset.ID, json)
            return .success(json)
        case "DeleteAsset":
            try expect(1)
            _ = try await read(arguments[0], stub)
            try await stub.deleteState(arguments[0])
            return .success()
        case "TransferAsset":
            try expect(2)
            var asset = try JSONDecoder().decode(Asset.self, from: try await read(arguments[0], stub))
            let oldOwner = asset.Owner
            asset.Owner = arguments[1]
            try await stub.putState(asset.ID, try Self.encoder.encode(asset))
            return .success(oldOwner)
        case "AssetExists":
            try expect(1)
            return .success(try await stub.getState(arguments[0]) == nil ? "false" : "true")
        case "GetAllAssets":
            try expect(0)
            var assets: [Asset] = []
            for try await record in try await stub.getStateByRange(from: "", to: "") {
                assets.append(try JSONDecoder().decode(Asset.self, from: record.value))
            }
            return .success(try Self.encoder.encode(assets))
        default:
            throw AssetError.unknownFunction(stub.function)
        }
    }

    private func read(_ id: String, _ stub: ChaincodeStub) async throws -> Data {
        guard let json = try await stub.getState(id) else { throw AssetError.missing(id) }
        return json
    }

    private func number(_ text: String) throws -> Int {
        guard let value = Int(text) else { throw AssetError.notANumber(text) }
        return value
    }
}
