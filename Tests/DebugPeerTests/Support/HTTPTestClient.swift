import Foundation
import K8sVMTesting

/// A minimal HTTP/1.1 client over ``LoopbackSocket`` (`Connection: close`), enough
/// to drive the debug peer's JSON API as `curl` would.
struct HTTPTestClient: Sendable {
    let port: UInt16

    init(address: String) { port = UInt16(address.split(separator: ":")[1])! }

    struct Reply: Sendable {
        var status: Int
        var body: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
    }

    func request(_ method: String, _ path: String, body: String? = nil) async throws -> Reply {
        try await offload { try blockingRequest(method, path, body: body) }
    }

    private func blockingRequest(_ method: String, _ path: String, body: String?) throws -> Reply {
        let socket = try LoopbackSocket(port: port, receiveTimeoutSeconds: 10)
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
        socket.write(Array((head + "\r\n" + (body ?? "")).utf8))
        guard let raw = socket.readToEnd() else { throw TimedOut(what: "\(method) \(path)") }
        let text = String(decoding: raw, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw TimedOut(what: "a complete HTTP response") }
        let status = Int(text.split(separator: " ")[1]) ?? 0
        var payload = String(text[split.upperBound...])
        if text[..<split.lowerBound].lowercased().contains("transfer-encoding: chunked") { payload = Self.unchunk(payload) }
        return Reply(status: status, body: payload)
    }

    private static func unchunk(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let lineEnd = rest.range(of: "\r\n"), let size = Int(rest[..<lineEnd.lowerBound], radix: 16), size > 0 {
            let start = lineEnd.upperBound
            let bytes = Array(rest[start...].utf8.prefix(size))
            result += String(decoding: bytes, as: UTF8.self)
            rest = rest[rest.utf8.index(start, offsetBy: size)...].dropFirst(2)
        }
        return result
    }
}
