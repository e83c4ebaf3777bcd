import Foundation
import K8sVMCore
#if canImport(Glibc)
import Glibc
#endif

/// One end of a relay: a TCP address (`host:port`, IPv4 or IPv6) or a unix socket path.
public enum SocketEndpoint: Sendable, Equatable, CustomStringConvertible {
    case tcp(host: String, port: Int)
    case unix(path: String)

    /// Parses `host:port` (`[v6]:port` too).
    public static func tcp(_ address: String) throws -> SocketEndpoint {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
              (0...65535).contains(port)
        else { throw K8sVMError("\"\(address)\" is not host:port") }
        var host = String(address[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return .tcp(host: host.isEmpty ? "127.0.0.1" : host, port: port)
    }

    public var description: String {
        switch self {
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path): path
        }
    }

    /// A close-on-exec socket listening on this endpoint (a unix socket file is replaced and made connectable by
    /// anyone who can reach its directory).
    public func listen() throws -> Int32 {
        try withSocketAddress { family, address, length in
            let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw error("socket") }
            var yes: Int32 = 1
            if family != AF_UNIX {
                setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
            } else if case .unix(let path) = self {
                unlink(path)
            }
            guard bind(fd, address, length) == 0, Glibc.listen(fd, 64) == 0 else {
                let failure = error("listening on \(self)")
                close(fd)
                throw failure
            }
            if case .unix(let path) = self { chmod(path, 0o666) }
            return fd
        }
    }

    /// A connected close-on-exec socket (TCP_NODELAY for TCP).
    public func connect() throws -> Int32 {
        try withSocketAddress { family, address, length in
            let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw error("socket") }
            guard Glibc.connect(fd, address, length) == 0 else {
                let failure = error("connecting to \(self)")
                close(fd)
                throw failure
            }
            if family != AF_UNIX { Self.disableNagle(fd) }
            return fd
        }
    }

    /// TCP_NODELAY: relayed gRPC frames are small and each waits for its answer.
    static func disableNagle(_ fd: Int32) {
        var yes: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
    }

    private func error(_ what: String) -> K8sVMError {
        K8sVMError("\(what): \(String(cString: strerror(errno)))")
    }

    private func withSocketAddress<T>(_ body: (Int32, UnsafePointer<sockaddr>, socklen_t) throws -> T) throws -> T {
        switch self {
        case .unix(let path):
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
                throw K8sVMError("unix socket path too long: \(path)")
            }
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                raw.copyBytes(from: bytes)
                raw[bytes.count] = 0
            }
            return try withUnsafePointer(to: &address) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    try body(AF_UNIX, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
        case .tcp(let host, let port):
            var hints = addrinfo(ai_flags: AI_NUMERICSERV, ai_family: AF_UNSPEC, ai_socktype: Int32(SOCK_STREAM.rawValue),
                                 ai_protocol: 0, ai_addrlen: 0, ai_addr: nil, ai_canonname: nil, ai_next: nil)
            var info: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, String(port), &hints, &info) == 0, let first = info else {
                throw K8sVMError("cannot resolve \(host)")
            }
            defer { freeaddrinfo(info) }
            return try body(first.pointee.ai_family, first.pointee.ai_addr, first.pointee.ai_addrlen)
        }
    }
}
