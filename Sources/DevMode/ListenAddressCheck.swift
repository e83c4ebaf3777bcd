import Foundation
import K8sVMCore
#if canImport(Glibc)
import Glibc
#endif

/// Why a server could not listen where it was told: the transports report only that they stopped, so when a start
/// fails the address is tried once more with a plain socket, whose `errno` names the cause.
enum ListenAddressCheck {
    /// The reason `host:port` cannot be listened on, or nil when a socket can bind it now.
    static func problem(host: String, port: Int) -> String? {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(clamping: port)).bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { return nil }
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return nil }
        defer { close(socket) }
        // As a server binds: a connection of an earlier run lingering in TIME_WAIT is no obstacle.
        var yes: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound != 0 else { return nil }
        switch errno {
        case EADDRINUSE: return "the address is already in use (by a peer, or another k8svm dev?)"
        case EACCES: return "listening on port \(port) needs privileges (choose a port above 1023)"
        case EADDRNOTAVAIL: return "\(host) is not an address of this host"
        default: return String(cString: strerror(errno))
        }
    }

    /// The error for a server that failed to start on `address`: the cause when one is found, else the transport's
    /// error, and the option that moves the server; the transport's error is kept as the cause.
    static func startError(_ what: String, address: String, host: String, port: Int, option: String,
                           error: any Error) -> K8sVMError {
        let cause = problem(host: host, port: port) ?? "\(error)"
        return K8sVMError("cannot start \(what) on \(address): \(cause); choose another address with \(option)", cause: error)
    }
}
