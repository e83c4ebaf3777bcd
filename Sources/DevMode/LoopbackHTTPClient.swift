import Foundation
import K8sVMCore
#if canImport(Glibc)
import Glibc
#endif

/// A small blocking HTTP/1.1 client for the debug peer's loopback API (`k8svm dev invoke|query`).
public enum LoopbackHTTPClient {
    /// A response: status code and body.
    public struct Response: Sendable {
        public var status: Int
        public var body: Data
    }

    /// Sends one request with `Connection: close` and reads the whole response.
    public static func send(method: String, address: String, path: String, body: Data? = nil) throws -> Response {
        let (host, port) = try LoopbackAddress.parse(address, option: "--api")
        var hints = addrinfo(ai_flags: 0, ai_family: AF_UNSPEC, ai_socktype: Int32(SOCK_STREAM.rawValue), ai_protocol: 0,
                             ai_addrlen: 0, ai_addr: nil, ai_canonname: nil, ai_next: nil)
        var info: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &info) == 0, let first = info else {
            throw K8sVMError("cannot resolve \(host)")
        }
        defer { freeaddrinfo(info) }
        let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { throw K8sVMError("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            throw K8sVMError("cannot reach the debug peer's API at \(address): \(String(cString: strerror(errno))) (is `k8svm dev run` or `k8svm dev peer` running?)")
        }
        var request = "\(method) \(path) HTTP/1.1\r\nHost: \(address)\r\nConnection: close\r\nAccept: application/json\r\n"
        if let body { request += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
        let bytes = Data((request + "\r\n").utf8) + (body ?? Data())
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let sent = Glibc.send(fd, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                guard sent > 0 else { throw K8sVMError("sending to \(address) failed") }
                offset += sent
            }
        }
        var received = Data()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count <= 0 { break }
            received.append(contentsOf: chunk[0..<count])
        }
        return try parse(received, from: address)
    }

    static func parse(_ data: Data, from address: String) throws -> Response {
        guard let headerEnd = data.firstRange(of: Data("\r\n\r\n".utf8)) else {
            throw K8sVMError("\(address) sent no HTTP response")
        }
        let head = String(decoding: data[..<headerEnd.lowerBound], as: UTF8.self).split(separator: "\r\n")
        let statusParts = head.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw K8sVMError("\(address) sent a malformed status line")
        }
        var body = Data(data[headerEnd.upperBound...])
        let chunked = head.dropFirst().contains { $0.lowercased().hasPrefix("transfer-encoding:") && $0.lowercased().contains("chunked") }
        if chunked { body = try dechunk(body, from: address) }
        return Response(status: status, body: body)
    }

    private static func dechunk(_ data: Data, from address: String) throws -> Data {
        var output = Data()
        var rest = data[...]
        while let lineEnd = rest.firstRange(of: Data("\r\n".utf8)) {
            let sizeText = String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                throw K8sVMError("\(address) sent a malformed chunked body")
            }
            if size == 0 { break }
            let start = lineEnd.upperBound
            guard rest.distance(from: start, to: rest.endIndex) >= size else { break }
            let end = rest.index(start, offsetBy: size)
            output.append(rest[start..<end])
            rest = rest[rest.index(end, offsetBy: min(2, rest.distance(from: end, to: rest.endIndex)))...]
        }
        return output
    }
}
