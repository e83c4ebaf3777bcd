import ChaincodeProtocol

extension Protos_Response {
    /// The payload as UTF-8 text.
    var text: String { String(decoding: payload, as: UTF8.self) }
}
