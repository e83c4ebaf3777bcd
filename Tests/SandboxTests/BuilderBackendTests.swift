import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension SandboxTests {
    /// `backend: sandbox` behind the external-builder contract, as a peer drives it.
    @Suite struct BuilderBackend {
        @Test func detectBuildAndRunOfABinaryPackageGoThroughTheSandbox() async throws {
            let workspace = try Workspace()
            defer { workspace.remove() }
            let environment = workspace.environment()
            func k8svm(_ arguments: String...) async throws -> TestResult {
                try await TestProcess.run(Products.k8svm, arguments, environment: environment)
            }
            let builder = workspace.path("builder")
            #expect(try await k8svm("install-builder", builder, "--backend", "sandbox").status == 0)
            let source = workspace.path("cc")
            try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: Products.assetTransfer, toPath: source + "/chaincode")
            #expect(try await k8svm("package", source, "--label", "asset", "--type", "binary", "-o", workspace.path("cc.tar.gz")).status == 0)
            #expect(try await k8svm("package", "extract", workspace.path("cc.tar.gz"), workspace.path("ctx")).status == 0)
            let ctx = workspace.path("ctx")
            func verb(_ name: String, _ arguments: String...) async throws -> TestResult {
                try await TestProcess.run(builder + "/bin/" + name, arguments, environment: environment)
            }
            #expect(try await verb("detect", ctx + "/src", ctx + "/metadata").status == 0)
            let built = try await verb("build", ctx + "/src", ctx + "/metadata", ctx + "/bld")
            #expect(built.status == 0, "\(built)")

            let peer = try TestProcess(Products.k8svm, ["dev", "peer", "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0"], environment: environment)
            defer { peer.signal(SIGKILL) }
            let announced = try await peer.line(containing: "API on http://")
            let api = String(announced.split(separator: "http://").last!)
            let peerAddress = String(announced.split(separator: "listening on ").last!.split(separator: ",").first!)
            let metadata = workspace.path("run-metadata")
            try FileManager.default.createDirectory(atPath: metadata, withIntermediateDirectories: true)
            try #"{"chaincode_id":"asset:1.0","peer_address":"\#(peerAddress)","client_cert":"","client_key":"","root_cert":"","mspid":"DevMSP"}"#
                .write(toFile: metadata + "/chaincode.json", atomically: false, encoding: .utf8)
            let run = try TestProcess(builder + "/bin/run", [ctx + "/bld", metadata], environment: environment)
            for _ in 0..<200 {
                if try await k8svm("dev", "query", "asset", #"{"Args":["GetAllAssets"]}"#, "--api", api).status == 0 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let created = try await k8svm("dev", "invoke", "asset", #"{"Args":["CreateAsset","b1","x","1","y","2"]}"#, "--api", api)
            #expect(created.status == 0, "the chaincode registered through the relay: \(created)")
            #expect(!Leftovers.sandboxProcesses().isEmpty)

            run.signal(SIGTERM)
            let ended = await run.finish()
            #expect(ended.status == 137, "\(ended)")
            #expect(ended.stderr.contains("k8svm sandbox: chaincode stopped"), "\(ended)")
            await Leftovers.expectNone()
        }
    }
}
