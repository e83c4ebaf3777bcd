import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension SandboxTests {
    /// Bad input: a clear error naming the problem, a non-zero exit, nothing left behind.
    @Suite struct BadInput {
        func expectRefused(_ arguments: [String], settings: [String: String] = [:], mentioning message: String,
                           sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let workspace = try Workspace()
            defer { workspace.remove() }
            let result = try await TestProcess.run(Products.k8svm, arguments, environment: workspace.environment(settings))
            #expect(result.status == 1, "\(result)", sourceLocation: sourceLocation)
            #expect(result.stderr.contains(message), "\(result)", sourceLocation: sourceLocation)
            await Leftovers.expectNone(sourceLocation: sourceLocation)
        }

        @Test func withoutBubblewrapNothingStarts() async throws {
            try await expectRefused(["sandbox", "run", Products.assetTransfer, "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0"],
                                    settings: ["K8SVM_SANDBOX_BWRAP_COMMAND": "no-such-bwrap"],
                                    mentioning: "k8svm: sandboxed runs need bubblewrap: no-such-bwrap was not found (apt-get install bubblewrap")
        }

        @Test func aMissingPathIsNamed() async throws {
            try await expectRefused(["sandbox", "run", "/no/such/chaincode"], mentioning: "k8svm: /no/such/chaincode does not exist")
        }

        @Test func aSwiftPackageIsRefusedWithTheReason() async throws {
            let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Examples/asset-transfer-swift").path
            try await expectRefused(["sandbox", "run", package], mentioning: "is a Swift package: sandboxed builds have no network")
        }

        @Test func aBadLimitIsNamed() async throws {
            try await expectRefused(["sandbox", "run", Products.assetTransfer], settings: ["K8SVM_SANDBOX_MEMORY": "lots"],
                                    mentioning: #"K8SVM_SANDBOX_MEMORY: "lots" is not a size (use e.g. 65536, 512K, 64M, 2G)"#)
        }

        @Test func aWorkDirectoryTheSandboxCannotReachIsNamed() async throws {
            let workspace = try Workspace()
            defer { workspace.remove() }
            let closed = workspace.path("closed")
            try FileManager.default.createDirectory(atPath: closed + "/work", withIntermediateDirectories: true)
            chmod(closed, 0o700)
            let result = try await TestProcess.run(Products.k8svm, ["sandbox", "run", Products.assetTransfer],
                                                   environment: workspace.environment(["K8SVM_SANDBOX_WORK_DIRECTORY": closed + "/work"]))
            #expect(result.status == 1)
            #expect(result.stderr.contains("k8svm: sandbox.workDirectory \(closed)/work: the sandbox uid 62000 cannot pass through \(closed) (mode 700)"),
                    "\(result)")
        }

        @Test func aGoCompileErrorFailsTheRunWithTheCompilersMessage() async throws {
            let workspace = try Workspace()
            defer { workspace.remove() }
            let module = workspace.path("broken")
            try FileManager.default.createDirectory(atPath: module, withIntermediateDirectories: true)
            try "module example.com/broken\n\ngo 1.19\n".write(toFile: module + "/go.mod", atomically: false, encoding: .utf8)
            try "package main\n\nfunc main() { undefinedThing() }\n".write(toFile: module + "/main.go", atomically: false, encoding: .utf8)
            let result = try await TestProcess.run(Products.k8svm, ["sandbox", "run", module, "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0"],
                                                   environment: workspace.environment())
            #expect(result.status == 1)
            #expect(result.stderr.contains("undefined: undefinedThing"), "\(result)")
            // Go 1.19 exits 2 on a compile error, current releases exit 1.
            #expect(result.stderr.contains("k8svm sandbox: go build failed: exited with code "), "\(result)")
            await Leftovers.expectNone()
        }
    }
}
