import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `k8svm dev run` and `k8svm dev invoke|query`, as a chaincode developer uses them: real k8svm processes, the real
/// embedded debug peer, the real Swift example chaincode.
@Suite struct DevRunTests {
    /// `k8svm dev run` on the example, with the addresses it announced. Killed if it does not come up; a test kills it
    /// with `defer { dev.process.killIfRunning() }` should it throw before it ends it.
    struct DevRun {
        let process: TestProcess
        let api: String
        let chaincodePID: Int32

        init(_ workspace: Workspace, extra: [String] = [], executable: String = Fixtures.assetTransfer) async throws {
            process = try TestProcess(Fixtures.k8svm, ["dev", "run", executable, "--name", "asset",
                                                       "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0"] + extra,
                                      environment: workspace.peerEnvironment())
            do {
                let listening = try await process.waitForStderrLine(containing: "API on http://")
                api = String(listening.split(separator: "http://").last!)
                let started = try await process.waitForStderrLine(containing: "started asset:1.0 (pid ")
                chaincodePID = Int32(started.split(separator: "(pid ").last!.prefix(while: \.isNumber))!
                _ = try await process.waitForStderrLine(containing: "asset:1.0 registered")
            } catch {
                process.killIfRunning()
                throw error
            }
        }

        func invoke(_ kind: String, _ arguments: String, workspace: Workspace) async throws -> TestProcessResult {
            try await TestProcess.run(Fixtures.k8svm, ["dev", kind, "asset", arguments, "--api", api],
                                      environment: workspace.peerEnvironment())
        }
    }

    @Test(arguments: [false, true])
    func invokeAndQueryReachTheExampleAndCtrlCLeavesNothingRunning(tls: Bool) async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let dev = try await DevRun(workspace, extra: tls ? ["--tls"] : [])
        defer { dev.process.killIfRunning() }

        let created = try await dev.invoke("invoke", #"{"Args":["CreateAsset","a1","blue","5","alice","100"]}"#, workspace: workspace)
        #expect(created.status == 0, "\(created)")
        let read = try await dev.invoke("query", #"{"Args":["ReadAsset","a1"]}"#, workspace: workspace)
        #expect(read.status == 0, "\(read)")
        let asset = try JSONSerialization.jsonObject(with: Data(read.stdout.utf8)) as? [String: Any]
        #expect(asset?["Owner"] as? String == "alice")
        #expect(asset?["AppraisedValue"] as? Int == 100)
        let missing = try await dev.invoke("query", #"{"Args":["ReadAsset","nope"]}"#, workspace: workspace)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("the asset nope does not exist"))

        dev.process.signal(SIGINT)
        let result = await dev.process.finish()
        #expect(result.status == 130)
        #expect(kill(dev.chaincodePID, 0) != 0, "Ctrl-C stops the chaincode")
        #expect(try workspace.tmpLeftovers().isEmpty, "and removes its scratch and TLS directories")
    }

    @Test func anUnknownChaincodeIsNamedInTheError() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let dev = try await DevRun(workspace)
        defer { dev.process.killIfRunning() }
        let result = try await TestProcess.run(Fixtures.k8svm, ["dev", "invoke", "ghost", #"{"Args":["x"]}"#, "--api", dev.api],
                                               environment: workspace.peerEnvironment())
        #expect(result.status == 1)
        #expect(result.stderr.contains("chaincode 'ghost' is not registered"), "\(result)")
        let badJSON = try await TestProcess.run(Fixtures.k8svm, ["dev", "invoke", "asset", "[1,2", "--api", dev.api],
                                                environment: workspace.peerEnvironment())
        #expect(badJSON.status == 1)
        #expect(badJSON.stderr.contains("must be a JSON object"))
        dev.process.signal(SIGTERM)
        _ = await dev.process.finish()
    }

    @Test func watchRestartsTheChaincodeWhenItChanges() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let executable = workspace.path("asset-transfer")
        try FileManager.default.copyItem(atPath: Fixtures.assetTransfer, toPath: executable)
        let dev = try await DevRun(workspace, extra: ["--watch", "--state", workspace.path("state.json")], executable: executable)
        defer { dev.process.killIfRunning() }
        #expect(try await dev.invoke("invoke", #"{"Args":["CreateAsset","w1","red","1","bob","7"]}"#, workspace: workspace).status == 0)

        // A new build of the chaincode lands: the old process is stopped, the new one registers and sees the state.
        try FileManager.default.removeItem(atPath: executable)
        try FileManager.default.copyItem(atPath: Fixtures.assetTransfer, toPath: executable)
        _ = try await dev.process.waitForStderrLine(containing: "sources changed")
        let deadline = ContinuousClock.now + .seconds(30)
        func registeredAgain() -> Bool {
            let log = dev.process.stderrSoFar
            guard let change = log.range(of: "sources changed") else { return false }
            return log[change.upperBound...].contains("asset:1.0 registered")
        }
        while !registeredAgain(), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(registeredAgain(), "the rebuilt chaincode registers again")
        #expect(kill(dev.chaincodePID, 0) != 0, "the first chaincode process was stopped")
        let read = try await dev.invoke("query", #"{"Args":["ReadAsset","w1"]}"#, workspace: workspace)
        #expect(read.stdout.contains("\"Owner\":\"bob\""), "\(read)")
        dev.process.signal(SIGINT)
        _ = await dev.process.finish()
        #expect(FileManager.default.fileExists(atPath: workspace.path("state.json")), "--state keeps the world state in a file")
    }

    @Test func aChaincodeThatExitsBeforeRegisteringIsReportedWithItsCodeAndLastLines() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let chaincode = workspace.path("broken-chaincode")
        try "#!/bin/sh\necho 'reading the configuration'\necho 'fatal: no such file: config.yaml' >&2\nexit 3\n"
            .write(toFile: chaincode, atomically: true, encoding: .utf8)
        chmod(chaincode, 0o755)
        let result = try await TestProcess.run(Fixtures.k8svm, ["dev", "run", chaincode, "--name", "broken",
                                                                "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0"],
                                               environment: workspace.peerEnvironment())
        #expect(result.status == 3, "k8svm dev run ends with the chaincode's code: \(result)")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        let report = try #require(lines.firstIndex { $0.contains("before it registered") }, "\(result.stderr)")
        #expect(lines[report] == "k8svm dev: chaincode broken:1.0 exited with code 3 before it registered with the debug peer; its last lines:")
        #expect(Array(lines[(report + 1)...].prefix(2)) == ["k8svm dev:   | reading the configuration",
                                                              "k8svm dev:   | fatal: no such file: config.yaml"], "\(result.stderr)")
        #expect(try workspace.tmpLeftovers().isEmpty)
    }

    @Test func aPathThatIsNoChaincodeIsAClearError() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try FileManager.default.createDirectory(atPath: workspace.path("empty"), withIntermediateDirectories: true)
        let result = try await TestProcess.run(Fixtures.k8svm, ["dev", "run", workspace.path("empty")], environment: workspace.peerEnvironment())
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot tell how to build it"))
        #expect(try workspace.tmpLeftovers().isEmpty)
    }
}
