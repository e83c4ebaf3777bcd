import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `k8svm dev peer` where its address is taken, as on a machine that runs a real peer's chaincode listener: the
/// error says so, names the option that moves it, and nothing is left listening.
@Suite struct DevAddressInUseTests {
    /// A TCP listener on a free loopback port, closed when the test ends.
    final class TakenPort {
        let socket: Int32
        let port: Int

        init() throws {
            let descriptor = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                    bind(descriptor, pointer, length) == 0 && listen(descriptor, 1) == 0
                        && getsockname(descriptor, pointer, &length) == 0
                }
            }
            guard bound else {
                close(descriptor)
                throw CocoaError(.fileWriteUnknown)
            }
            socket = descriptor
            port = Int(UInt16(bigEndian: address.sin_port))
        }

        deinit { close(socket) }
    }

    @Test(arguments: [("--listen", "the debug peer"), ("--api", "the debug peer's API")])
    func aTakenAddressIsNamedWithTheOptionThatMovesIt(option: String, server: String) async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let taken = try TakenPort()
        let free = ["--listen", "127.0.0.1:0", "--api", "127.0.0.1:0"]
        var arguments = ["dev", "peer"] + free
        arguments[arguments.firstIndex(of: option)! + 1] = "127.0.0.1:\(taken.port)"
        let result = try await TestProcess.run(Fixtures.k8svm, arguments, environment: workspace.peerEnvironment())
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains(
            "cannot start \(server) on 127.0.0.1:\(taken.port): the address is already in use (by a peer, or another k8svm dev?); choose another address with \(option)"),
            "\(result)")
        #expect(!result.stderr.contains("serverIsStopped"), "the transport's words give way to the cause")
    }
}
