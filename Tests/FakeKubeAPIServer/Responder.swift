import Foundation
import NIOCore
import NIOHTTP1

/// Writes the response of one exchange with kube-apiserver's headers (README item 1): `Audit-Id`,
/// `Cache-Control: no-cache, private`, `Content-Type`, the two `X-Kubernetes-Pf-*` UIDs (not on 401), `Date`,
/// then `Content-Length` for bodies under 2048 bytes and `Transfer-Encoding: chunked` otherwise.
struct Responder: Sendable {
    let channel: any Channel

    /// The flow-schema UIDs of the recordings (pod-success/01).
    private static let flowSchemaUID = "6a6b0283-747e-4221-8477-b5ff87957c00"
    private static let priorityLevelUID = "1425fda4-de04-4970-ae7d-0f946c10567e"

    private static func headers(status: Int, contentType: String, extra: [(String, String)]) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "Audit-Id", value: UUID().uuidString.lowercased())
        headers.add(name: "Cache-Control", value: "no-cache, private")
        headers.add(name: "Content-Type", value: contentType)
        for (name, value) in extra { headers.add(name: name, value: value) }
        if status != 401 {
            headers.add(name: "X-Kubernetes-Pf-Flowschema-Uid", value: flowSchemaUID)
            headers.add(name: "X-Kubernetes-Pf-Prioritylevel-Uid", value: priorityLevelUID)
        }
        headers.add(name: "Date", value: httpDate())
        return headers
    }

    private static func httpDate() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: Date())
    }

    /// A complete response.
    /// A complete response; `chunked` forces chunked framing (log bodies always are, README item 6).
    func send(status: Int, body: String, contentType: String = "application/json", headers extra: [(String, String)] = [],
              chunked: Bool = false) {
        let bytes = Array(body.utf8)
        var headers = Self.headers(status: status, contentType: contentType, extra: extra)
        if bytes.count < 2048 && !chunked {
            headers.add(name: "Content-Length", value: String(bytes.count))
        } else {
            headers.add(name: "Transfer-Encoding", value: "chunked")
        }
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
        channel.write(HTTPServerResponsePart.head(head), promise: nil)
        if !bytes.isEmpty { channel.write(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: bytes))), promise: nil) }
        channel.writeAndFlush(HTTPServerResponsePart.end(nil), promise: nil)
    }

    func send(status: Int, json: JSON, headers: [(String, String)] = []) {
        send(status: status, body: json.text + "\n", headers: headers)
    }

    func send(_ error: APIError) { send(status: error.code, json: error.status, headers: error.headers) }

    /// Flushes 200 headers with a chunked body at once and returns the open stream.
    func startStream(id: Int, contentType: String) -> StreamSink {
        var headers = Self.headers(status: 200, contentType: contentType, extra: [])
        headers.add(name: "Transfer-Encoding", value: "chunked")
        channel.writeAndFlush(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)),
                              promise: nil)
        return StreamSink(id: id, channel: channel)
    }
}
