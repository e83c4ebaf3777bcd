import CSandbox
import Foundation
import K8sVMCore
#if canImport(Glibc)
import Glibc
#endif

/// Accepts connections on one endpoint and joins each to a new connection to one fixed endpoint. Both relay ends of
/// a sandbox are one of these. Inside, 127.0.0.1:PORT → the bound unix socket: each accepted connection is handed
/// over the unix socket as a descriptor (`.handOver`), so its bytes are copied once, not twice. On the host, the unix
/// socket → the peer's address and nothing else: each accepted unix connection must carry exactly one socket
/// (`.receiveHandedOver`), whose bytes are copied both ways to and from a new connection to the peer until both
/// sides have closed. `.copy` copies the accepted connection itself.
public final class StreamRelay: Sendable {
    /// What is done with an accepted connection.
    public enum Mode: Sendable {
        case copy, handOver, receiveHandedOver
    }

    public let listening: SocketEndpoint
    public let target: SocketEndpoint
    public let mode: Mode
    private let listener: Int32
    private let report: @Sendable (String) -> Void

    /// Starts listening now (so a client that connects right after this returns is not refused) and accepting on a
    /// thread of its own; `report` gets one line per connection that cannot be relayed.
    public init(listening: SocketEndpoint, target: SocketEndpoint, mode: Mode = .copy,
                report: @escaping @Sendable (String) -> Void) throws {
        self.listening = listening
        self.target = target
        self.mode = mode
        self.report = report
        listener = try listening.listen()
        let listener = self.listener
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 {
                    if errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE { continue }
                    return
                }
                _ = fcntl(client, F_SETFD, FD_CLOEXEC)
                if case .tcp = listening { SocketEndpoint.disableNagle(client) }
                relay(client)
            }
        }
    }

    /// Stops accepting (connections being relayed go on until they close).
    public func close() {
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
        if case .unix(let path) = listening { unlink(path) }
    }

    private func relay(_ accepted: Int32) {
        guard let client = mode == .receiveHandedOver ? receiveHandedOver(accepted) : accepted else { return }
        let server: Int32
        do {
            server = try target.connect()
        } catch {
            report("relay: \(error)")
            Glibc.close(client)
            return
        }
        if mode == .handOver {
            if k8svm_send_fd(server, client) != 0 { report("relay: handing a connection over failed: \(String(cString: strerror(errno)))") }
            Glibc.close(client)
            Glibc.close(server)
            return
        }
        let closer = PairCloser(client, server)
        Thread.detachNewThread { Self.pump(from: client, to: server); closer.oneDirectionDone() }
        Thread.detachNewThread { Self.pump(from: server, to: client); closer.oneDirectionDone() }
    }

    /// The socket handed over on `connection` (which is closed), or nil when something else came.
    private func receiveHandedOver(_ connection: Int32) -> Int32? {
        let received = k8svm_receive_fd(connection)
        let failure = received >= 0 ? ENOTSOCK : errno
        Glibc.close(connection)
        var info = stat()
        guard received >= 0, fstat(received, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK else {
            if received >= 0 { Glibc.close(received) }
            report("relay: refused a connection that did not hand over a socket (\(String(cString: strerror(failure))))")
            return nil
        }
        return received
    }

    /// Copies until end of file or an error, then half-closes the destination.
    private static func pump(from source: Int32, to destination: Int32) {
        let size = 256 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        copying: while true {
            let count = read(source, buffer, size)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            var offset = 0
            while offset < count {
                let written = send(destination, buffer + offset, count - offset, Int32(MSG_NOSIGNAL))
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { break copying }
                offset += written
            }
        }
        shutdown(destination, Int32(SHUT_WR))
        shutdown(source, Int32(SHUT_RD))
    }
}

/// Closes both sockets of a relayed connection once both directions are done.
private final class PairCloser: @unchecked Sendable {
    private let lock = NSLock()
    private var remaining = 2
    private let fds: (Int32, Int32)

    init(_ first: Int32, _ second: Int32) { fds = (first, second) }

    func oneDirectionDone() {
        lock.lock()
        remaining -= 1
        let last = remaining == 0
        lock.unlock()
        if last {
            close(fds.0)
            close(fds.1)
        }
    }
}
