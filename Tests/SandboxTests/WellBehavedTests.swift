import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension SandboxTests {
    /// The Swift example chaincode inside the sandbox, through the relay, driven as a developer would.
    @Suite struct WellBehaved {
        @Test func theExampleRegistersAnswersInvokesAndLeavesNothingAfterCtrlC() async throws {
            let workspace = try Workspace()
            defer { workspace.remove() }
            let run = try SandboxRun(Products.assetTransfer, workspace, extra: ["--name", "asset"])
            let api = try await run.apiAddress()
            _ = try await run.process.line(containing: "k8svm sandbox: asset:1.0 registered")
            #expect(!Leftovers.sandboxProcesses().isEmpty, "the chaincode runs as the sandbox uid")

            func send(_ kind: String, _ json: String) async throws -> TestResult {
                try await TestProcess.run(Products.k8svm, ["dev", kind, "asset", json, "--api", api], environment: workspace.environment())
            }
            let created = try await send("invoke", #"{"Args":["CreateAsset","a1","blue","5","alice","100"]}"#)
            #expect(created.status == 0, "\(created)")
            let read = try await send("query", #"{"Args":["ReadAsset","a1"]}"#)
            let asset = try JSONSerialization.jsonObject(with: Data(read.stdout.utf8)) as? [String: Any]
            #expect(asset?["Owner"] as? String == "alice", "\(read)")
            let missing = try await send("query", #"{"Args":["ReadAsset","nope"]}"#)
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("the asset nope does not exist"))

            run.process.signal(SIGINT)
            let result = await run.process.finish()
            #expect(result.status == 130)
            #expect(result.stderr.contains("k8svm sandbox: chaincode stopped by signal 2"), "\(result)")
            await Leftovers.expectNone()
        }

        @Test func aGoChaincodeIsBuiltInsideTheSandbox() async throws {
            let workspace = try Workspace()
            defer { workspace.remove() }
            let module = workspace.path("gocc")
            try FileManager.default.createDirectory(atPath: module, withIntermediateDirectories: true)
            try "module example.com/gocc\n\ngo 1.19\n".write(toFile: module + "/go.mod", atomically: false, encoding: .utf8)
            try """
                package main

                import (
                \t"fmt"
                \t"net"
                \t"os"
                )

                func main() {
                \t_, err := net.Dial("tcp", "127.0.0.1:9")
                \tfmt.Println("RESULT built in the sandbox; dial:", err != nil, os.Args[1])
                }
                """.write(toFile: module + "/main.go", atomically: false, encoding: .utf8)

            let result = try await SandboxRun.attack(module, workspace, settings: ["K8SVM_SANDBOX_CPU_TIME": "300s"])
            #expect(result.stderr.contains("k8svm sandbox: go build -trimpath -mod=readonly -o /out/chaincode . (sandboxed, no network)"), "\(result)")
            #expect(result.results.first?.hasPrefix("built in the sandbox; dial: true -peer.address=127.0.0.1:") == true, "\(result)")
            #expect(!FileManager.default.fileExists(atPath: module + "/chaincode"), "the build wrote only to its output directory")
            await Leftovers.expectNone()
        }

        @Test func aGoBuildCannotFetchModules() async throws {
            let workspace = try Workspace()
            defer { workspace.remove() }
            let module = workspace.path("fetching")
            try FileManager.default.createDirectory(atPath: module, withIntermediateDirectories: true)
            try "module example.com/fetching\n\ngo 1.19\n\nrequire github.com/pkg/errors v0.9.1\n"
                .write(toFile: module + "/go.mod", atomically: false, encoding: .utf8)
            try "package main\n\nimport \"github.com/pkg/errors\"\n\nfunc main() { _ = errors.New(\"x\") }\n"
                .write(toFile: module + "/main.go", atomically: false, encoding: .utf8)

            let result = try await SandboxRun.attack(module, workspace)
            #expect(result.status == 1)
            #expect(result.stderr.contains("k8svm sandbox: go build failed: exited with code 1"), "\(result)")
            #expect(result.stderr.contains("github.com/pkg/errors"), "go names the module it could not get")
            await Leftovers.expectNone()
        }
    }
}
