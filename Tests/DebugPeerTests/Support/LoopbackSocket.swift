import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP connection to 127.0.0.1 with a receive timeout, for tests that
/// must speak bytes the gRPC/HTTP clients would never send. Call its blocking
/// methods through ``offload(_:)``.
final class LoopbackSocket: @unchecked Sendable {
    private let fd: Int32

    init(port: UInt16, receiveTimeoutSeconds: Int = 5) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EBADF) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
        var timeout = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { Glibc.close(fd) }

    func write(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    }

    /// What a read saw.
    enum ReadResult: Equatable {
        case bytes([UInt8])
        case closed
        case reset
        case timedOut
    }

    func read() -> ReadResult {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = Glibc.read(fd, &buffer, buffer.count)
        if count > 0 { return .bytes(Array(buffer[0..<count])) }
        if count == 0 { return .closed }
        return errno == ECONNRESET ? .reset : .timedOut
    }

    /// Reads until the peer closes; nil if it never did within the timeout.
    func readToEnd() -> [UInt8]? {
        var all: [UInt8] = []
        while true {
            switch read() {
            case .bytes(let bytes): all += bytes
            case .closed, .reset: return all
            case .timedOut: return nil
            }
        }
    }
}
