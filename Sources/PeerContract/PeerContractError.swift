/// Why the peer's `chaincode.json` was refused: one line naming the file, the field and the problem.
public struct PeerContractError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
