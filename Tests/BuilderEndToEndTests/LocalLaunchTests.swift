import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A real package goes package → extract → detect → build → release → run, and the chaincode process sees exactly
/// what a Fabric shim needs.
@Suite struct LocalLaunchTests {
    /// A binary package of the recorder, with a CouchDB index under META-INF.
    func binaryPackage(_ builder: InstalledBuilder, withIndex: Bool = true) async throws -> String {
        let source = builder.workspace.path("cc")
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Fixtures.recorder, toPath: source + "/chaincode")
        if withIndex {
            try FileManager.default.copyItem(atPath: Fixtures.directory + "/statedb-sample/META-INF", toPath: source + "/META-INF")
        }
        let context = try await builder.installPackage(from: source, label: "recorder_1.0", type: "BINARY")
        try await builder.detectBuildRelease(context)
        return context
    }

    @Test func runWithTLSGivesTheChaincodeEveryShimsVariablesAndFiles() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let builder = try await InstalledBuilder(workspace: workspace)
        let context = try await binaryPackage(builder)
        let runMetadata = try builder.runMetadata(chaincodeID: "recorder_1.0:abc123", tls: true)
        let recording = Recording(directory: workspace.path("recording"))

        let result = try await builder.verb("run", ["\(context)/bld", runMetadata],
                                            extra: ["RECORDER_OUT": recording.directory, "RECORDER_EXIT_CODE": "7"])

        #expect(result.status == 7, "run exits with the chaincode's code")
        #expect(try recording.lines("argv") == ["-peer.address=127.0.0.1:7052"])
        #expect(try recording.lines("cwd") == ["\(context)/bld"])
        let env = try recording.environment()
        #expect(env["CORE_CHAINCODE_ID_NAME"] == "recorder_1.0:abc123")
        #expect(env["CORE_PEER_ADDRESS"] == "127.0.0.1:7052")
        #expect(env["CORE_PEER_TLS_ENABLED"] == "true")
        #expect(env["CORE_PEER_LOCALMSPID"] == "Org1MSP")
        let tlsDirectory = try #require(env["CORE_PEER_TLS_ROOTCERT_FILE"]).split(separator: "/").dropLast().joined(separator: "/")
        #expect(env["CORE_TLS_CLIENT_KEY_FILE"] == "/\(tlsDirectory)/client_pem.key")
        #expect(env["CORE_TLS_CLIENT_CERT_FILE"] == "/\(tlsDirectory)/client_pem.crt")
        #expect(env["CORE_TLS_CLIENT_KEY_PATH"] == "/\(tlsDirectory)/client.key")
        #expect(env["CORE_TLS_CLIENT_CERT_PATH"] == "/\(tlsDirectory)/client.crt")
        #expect(try recording.file("CORE_PEER_TLS_ROOTCERT_FILE") == Fixtures.tls.root)
        #expect(try recording.file("CORE_TLS_CLIENT_KEY_FILE") == Fixtures.tls.key)
        #expect(try recording.file("CORE_TLS_CLIENT_CERT_FILE") == Fixtures.tls.cert)
        #expect(try recording.file("CORE_TLS_CLIENT_KEY_PATH") == Data(Fixtures.tls.key.utf8).base64EncodedString())
        #expect(try recording.file("CORE_TLS_CLIENT_CERT_PATH") == Data(Fixtures.tls.cert.utf8).base64EncodedString())
        #expect(env["RECORDER_OUT"] == recording.directory, "variables the peer propagates reach the chaincode")

        #expect(result.stdout.isEmpty, "the peer drops stdout, so nothing may go there")
        #expect(result.stderr.contains("recorder stdout"), "the chaincode's stdout is sent to stderr")
        #expect(result.stderr.contains("recorder stderr"))
        #expect(!FileManager.default.fileExists(atPath: "/\(tlsDirectory)"), "the TLS directory is removed after the chaincode exits")
        #expect(try workspace.tmpLeftovers().isEmpty)
    }

    @Test func tlsDirectoryIsPrivateWhileTheChaincodeRuns() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let builder = try await InstalledBuilder(workspace: workspace)
        let context = try await binaryPackage(builder, withIndex: false)
        let recording = Recording(directory: workspace.path("recording"))
        let run = try builder.startRun(["\(context)/bld", try builder.runMetadata(chaincodeID: "recorder_1.0:x", tls: true)],
                                       extra: ["RECORDER_OUT": recording.directory, "RECORDER_MODE": "wait"])
        defer { run.killIfRunning() }
        try await recording.waitUntilReady()
        let rootFile = try #require(try recording.environment()["CORE_PEER_TLS_ROOTCERT_FILE"])
        let directory = (rootFile as NSString).deletingLastPathComponent
        let attributes = try FileManager.default.attributesOfItem(atPath: directory)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        #expect(directory.hasPrefix(workspace.tmp + "/"), "the private directory lives under TMPDIR")
        let keyAttributes = try FileManager.default.attributesOfItem(atPath: directory + "/client_pem.key")
        #expect((keyAttributes[.posixPermissions] as? Int) == 0o600)
        run.signal(SIGTERM)
        _ = await run.finish()
    }

    @Test func runWithoutTLSSetsNoTLSFiles() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let builder = try await InstalledBuilder(workspace: workspace)
        let context = try await binaryPackage(builder, withIndex: false)
        let recording = Recording(directory: workspace.path("recording"))
        let result = try await builder.verb("run", ["\(context)/bld", try builder.runMetadata(chaincodeID: "recorder_1.0:x", tls: false)],
                                            extra: ["RECORDER_OUT": recording.directory])
        #expect(result.status == 0)
        let env = try recording.environment()
        #expect(env["CORE_PEER_TLS_ENABLED"] == "false")
        #expect(env["CORE_PEER_TLS_ROOTCERT_FILE"] == nil)
        #expect(env["CORE_TLS_CLIENT_KEY_PATH"] == nil)
        #expect(try workspace.tmpLeftovers().isEmpty)
    }

    @Test func sigtermIsForwardedAndTheChaincodesExitCodeReturned() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let builder = try await InstalledBuilder(workspace: workspace)
        let context = try await binaryPackage(builder, withIndex: false)
        let recording = Recording(directory: workspace.path("recording"))
        let run = try builder.startRun(["\(context)/bld", try builder.runMetadata(chaincodeID: "recorder_1.0:x", tls: true)],
                                       extra: ["RECORDER_OUT": recording.directory, "RECORDER_MODE": "wait", "RECORDER_EXIT_CODE": "42"])
        defer { run.killIfRunning() }
        try await recording.waitUntilReady()
        run.signal(SIGTERM)
        let result = await run.finish()
        #expect(result.status == 42)
        #expect(FileManager.default.fileExists(atPath: recording.directory + "/terminated"), "the chaincode itself received SIGTERM")
        #expect(result.stderr.contains("signal 15"))
        #expect(try workspace.tmpLeftovers().isEmpty)
    }

    @Test func sigintIsForwardedToo() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let builder = try await InstalledBuilder(workspace: workspace)
        let context = try await binaryPackage(builder, withIndex: false)
        let recording = Recording(directory: workspace.path("recording"))
        let run = try builder.startRun(["\(context)/bld", try builder.runMetadata(chaincodeID: "recorder_1.0:x", tls: false)],
                                       extra: ["RECORDER_OUT": recording.directory, "RECORDER_MODE": "wait"])
        defer { run.killIfRunning() }
        try await recording.waitUntilReady()
        run.signal(SIGINT)
        let result = await run.finish()
        // The recorder has no SIGINT handler, so the default action ends it: 128 + 2.
        #expect(result.status == 130)
        #expect(try workspace.tmpLeftovers().isEmpty)
    }

    @Test func aChaincodeIgnoringSigtermIsKilledAfterTheGracePeriod() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let builder = try await InstalledBuilder(workspace: workspace, config: "local:\n  stopGracePeriod: 300ms\n")
        let context = try await binaryPackage(builder, withIndex: false)
        let recording = Recording(directory: workspace.path("recording"))
        let run = try builder.startRun(["\(context)/bld", try builder.runMetadata(chaincodeID: "recorder_1.0:x", tls: true)],
                                       extra: ["RECORDER_OUT": recording.directory, "RECORDER_MODE": "ignore-term"])
        defer { run.killIfRunning() }
        try await recording.waitUntilReady()
        run.signal(SIGTERM)
        let result = await run.finish()
        #expect(result.status == 128 + SIGKILL)
        #expect(result.stderr.contains("killed by signal 9"))
        #expect(try workspace.tmpLeftovers().isEmpty)
    }

    @Test func theChaincodeDiesWhenRunIsKilled() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let builder = try await InstalledBuilder(workspace: workspace)
        let context = try await binaryPackage(builder, withIndex: false)
        let recording = Recording(directory: workspace.path("recording"))
        let run = try builder.startRun(["\(context)/bld", try builder.runMetadata(chaincodeID: "recorder_1.0:x", tls: false)],
                                       extra: ["RECORDER_OUT": recording.directory, "RECORDER_MODE": "ignore-term"])
        defer { run.killIfRunning() }
        try await recording.waitUntilReady()
        let chaincodePID = try childPID(of: run.pid)
        run.signal(SIGKILL)
        _ = await run.finish()
        let deadline = ContinuousClock.now + .seconds(5)
        while kill(chaincodePID, 0) == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(kill(chaincodePID, 0) != 0, "no chaincode is left running after the peer kills run")
    }

    @Test func releaseHandsThePeerTheCouchDBIndexes() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let builder = try await InstalledBuilder(workspace: workspace)
        let context = try await binaryPackage(builder)
        let index = try String(contentsOfFile: "\(context)/release/statedb/couchdb/indexes/indexOwner.json", encoding: .utf8)
        #expect(index.contains("indexOwnerDoc"))
    }

    @Test(.enabled(if: Fixtures.hasGo)) func golangPackageIsBuiltWithGoAndStartedWithThePeerAddressFlag() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let builder = try await InstalledBuilder(workspace: workspace)
        let context = try await builder.installPackage(from: Fixtures.directory + "/recorder-go", label: "gorecorder", type: "golang")
        let detected = try await builder.verb("detect", ["\(context)/src", "\(context)/metadata"])
        #expect(detected.status == 0)
        let built = try await builder.verb("build", ["\(context)/src", "\(context)/metadata", "\(context)/bld"])
        #expect(built.status == 0, "\(built)")
        #expect(FileManager.default.isExecutableFile(atPath: "\(context)/bld/chaincode"))
        let recording = Recording(directory: workspace.path("recording"))
        let result = try await builder.verb("run", ["\(context)/bld", try builder.runMetadata(chaincodeID: "gorecorder:1", tls: true)],
                                            extra: ["RECORDER_OUT": recording.directory, "RECORDER_EXIT_CODE": "3"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("go recorder stderr"))
        #expect(try recording.lines("argv") == ["-peer.address=127.0.0.1:7052"])
        #expect(try recording.environment()["CORE_CHAINCODE_ID_NAME"] == "gorecorder:1")
    }

    @Test(.enabled(if: Fixtures.hasGo)) func aGoCompileErrorFailsBuildWithTheCompilersMessage() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let builder = try await InstalledBuilder(workspace: workspace)
        try workspace.write("module example.com/broken\n\ngo 1.19\n", to: "broken/go.mod")
        try workspace.write("package main\n\nfunc main() { undefinedThing() }\n", to: "broken/main.go")
        let context = try await builder.installPackage(from: workspace.path("broken"), label: "broken", type: "golang")
        let built = try await builder.verb("build", ["\(context)/src", "\(context)/metadata", "\(context)/bld"])
        #expect(built.status != 0)
        #expect(built.stderr.contains("undefined: undefinedThing"))
        #expect(built.k8svmLines.last?.contains("go build failed") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(context)/bld").isEmpty)
    }

    /// The single child process of `pid`, found through /proc (the child may hang off any of its threads).
    private func childPID(of pid: Int32) throws -> Int32 {
        for entry in try FileManager.default.contentsOfDirectory(atPath: "/proc") {
            guard let candidate = Int32(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            if fields.count > 1, Int32(fields[1]) == pid { return candidate }
        }
        throw TestFailure("run has no child process")
    }
}
