import Foundation
import SandboxVM
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension SandboxTests {
    /// Each test is a real attempt by a hostile chaincode (Fixtures/hostile.c) inside a real bubblewrap sandbox.
    @Suite struct Security {
        @Test func anotherLoopbackPortOfTheHostIsUnreachable() async throws {
            let workspace = try Workspace()
            defer { workspace.remove() }
            let listener = try SocketEndpoint.tcp(host: "127.0.0.1", port: 0).listen()
            defer { close(listener) }
            var address = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
            let port = Int(UInt16(bigEndian: address.sin_port))
            let attack = try HostileChaincode.build(.connectLoopback, in: workspace, port: port)

            let result = try await SandboxRun.attack(attack, workspace)
            #expect(result.results == ["connect 127.0.0.1:\(port): Connection refused"], "\(result)")
            _ = fcntl(listener, F_SETFL, O_NONBLOCK)
            #expect(accept(listener, nil, nil) < 0 && errno == EAGAIN, "the host listener saw no connection")
            #expect(result.stderr.contains("chaincode exited with code 0"))
            await Leftovers.expectNone()
        }

        @Test func nonLoopbackAddressesAreUnreachable() async throws {
            let workspace = try Workspace()
            defer { workspace.remove() }
            // A real address with a listener behind it, in a network namespace of the test's own.
            let namespace = TestNetworkNamespace(address: "198.18.0.1", port: 8099)
            try namespace.create()
            defer { namespace.remove() }
            let attack = try HostileChaincode.build(.connectOutside, in: workspace, port: 8099, address: "198.18.0.1")

            let result = try await SandboxRun.attack(attack, workspace)
            #expect(result.results == ["interfaces: lo", "connect 198.18.0.1:8099: Network is unreachable"], "\(result)")
            #expect(namespace.listening && !namespace.accepted(), "the listener in the test's namespace saw no connection")
            await Leftovers.expectNone()
        }

        @Test func theRelaySocketCarriesNothingButHandedOverConnections() async throws {
            let workspace = try Workspace()
            defer { workspace.remove() }
            let attack = try HostileChaincode.build(.relaySocket, in: workspace)

            let result = try await SandboxRun.attack(attack, workspace)
            #expect(result.results == ["relay socket: sent 24, no answer"], "\(result)")
            #expect(result.stderr.contains("k8svm sandbox: relay: refused a connection that did not hand over a socket"), "\(result)")
            await Leftovers.expectNone()
        }

        @Test func hostFilesAreAbsent() async throws {
            let workspace = try Workspace()
            defer { workspace.remove() }
            let secret = workspace.path("secret")
            try "s3cret".write(toFile: secret, atomically: false, encoding: .utf8)
            chmod(secret, 0o644)
            let attack = try HostileChaincode.build(.readHostFiles, in: workspace, secretFile: secret)

            let result = try await SandboxRun.attack(attack, workspace)
            #expect(result.results == ["/etc/shadow", "/etc/passwd", secret, "/root/.bashrc"].map { "read \($0): No such file or directory" },
                    "\(result)")
            await Leftovers.expectNone()
        }

        @Test func onlyTmpIsWritable() async throws {
            let workspace = try Workspace()
            defer { workspace.remove() }
            let attack = try HostileChaincode.build(.writeOutsideTmp, in: workspace)

            let result = try await SandboxRun.attack(attack, workspace)
            #expect(result.results == ["write /tmp/allowed: written"]
                    + ["/chaincode/planted", "/usr/planted", "/etc/planted", "/planted"].map { "write \($0): Read-only file system" },
                    "\(result)")
            #expect(!FileManager.default.fileExists(atPath: attack + "/planted"), "the chaincode's own directory is untouched")
            await Leftovers.expectNone()
        }

        @Test func hostProcessesAreInvisible() async throws {
            let workspace = try Workspace()
            defer { workspace.remove() }
            let attack = try HostileChaincode.build(.seeProcesses, in: workspace)

            let result = try await SandboxRun.attack(attack, workspace)
            let seen = result.results.filter { $0.hasPrefix("process ") }.map { $0.split(separator: " ").last.map(String.init) ?? "" }
            #expect(seen.sorted() == ["bwrap", "chaincode", "sandbox-init"], "only the sandbox's own pid 1, init and chaincode: \(result)")
            #expect(result.results.last == "processes: 3")
            await Leftovers.expectNone()
        }

        @Test func aForkBombIsCapped() async throws {
            let workspace = try Workspace()
            defer { workspace.remove() }
            let attack = try HostileChaincode.build(.forkBomb, in: workspace)

            let result = try await SandboxRun.attack(attack, workspace)
            let line = try #require(result.results.first, "\(result)")
            #expect(line.hasPrefix("fork failed after ") && line.hasSuffix(": Resource temporarily unavailable"), "\(result)")
            let forked = Int(line.dropFirst("fork failed after ".count).prefix(while: \.isNumber)) ?? .max
            #expect(forked < 128, "sandbox.processes (128) caps the whole sandbox")
            await Leftovers.expectNone("the forked children die with the sandbox")
        }

        @Test func aMemoryBombIsKilledWithTheLimitNamed() async throws {
            let workspace = try Workspace()
            defer { workspace.remove() }
            let attack = try HostileChaincode.build(.memoryBomb, in: workspace)

            let result = try await SandboxRun.attack(attack, workspace, settings: ["K8SVM_SANDBOX_MEMORY": "256M"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("k8svm sandbox: chaincode killed by signal 11 after running out of memory: address-space limit (256 MiB) reached"),
                    "\(result)")
            await Leftovers.expectNone()
        }

        @Test func aCPUSpinIsKilledAtTheCPULimit() async throws {
            let workspace = try Workspace()
            defer { workspace.remove() }
            let attack = try HostileChaincode.build(.cpuSpin, in: workspace)

            let started = ContinuousClock.now
            let result = try await SandboxRun.attack(attack, workspace, settings: ["K8SVM_SANDBOX_CPU_TIME": "2s"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("k8svm sandbox: chaincode killed: CPU time limit (2 s) exceeded"), "\(result)")
            #expect(ContinuousClock.now - started >= .seconds(2))
            await Leftovers.expectNone()
        }

        @Test func sleepingForeverIsKilledAtTheWallTimeout() async throws {
            let workspace = try Workspace()
            defer { workspace.remove() }
            let attack = try HostileChaincode.build(.sleepForever, in: workspace)

            let started = ContinuousClock.now
            let result = try await SandboxRun.attack(attack, workspace, settings: ["K8SVM_SANDBOX_WALL_TIMEOUT": "2s"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("k8svm sandbox: chaincode killed: wall-clock limit (2s) exceeded"), "\(result)")
            #expect(ContinuousClock.now - started < .seconds(30))
            await Leftovers.expectNone()
        }

        @Test func aGigabyteOfLogIsCapped() async throws {
            let workspace = try Workspace()
            defer { workspace.remove() }
            let attack = try HostileChaincode.build(.logFlood, in: workspace)

            let result = try await SandboxRun.attack(attack, workspace, settings: ["K8SVM_SANDBOX_LOG_BYTES": "64K"])
            let kept = result.stderr.split(separator: "\n").filter { $0.hasPrefix("xxxx") }.map(\.utf8.count).reduce(0, +)
            #expect(kept == 64 * 1024, "exactly sandbox.logBytes of the output is kept")
            #expect(result.stderr.contains("k8svm sandbox: log capped at 64 KiB (sandbox.logBytes); further output is discarded"))
            #expect(result.stderr.contains("k8svm sandbox: \((1 << 30) - 64 * 1024) bytes of output discarded"), "\(result.stderr.suffix(500))")
            #expect(result.stderr.contains("chaincode exited with code 0"))
            await Leftovers.expectNone()
        }
    }
}
