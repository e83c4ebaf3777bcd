import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A chaincode started outside k8svm (as an IDE's debugger or `go run` would start it) against `k8svm dev peer --tls`:
/// the material `--chaincode` writes and the API mints is all it needs, and it is good for that chaincode only.
@Suite struct DevOutsideChaincodeTests {
    /// The `NAME=value` lines of an env file.
    static func variables(in file: String) throws -> [String: String] {
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        return Dictionary(uniqueKeysWithValues: lines.map { line in
            let equals = line.firstIndex(of: "=")!
            return (String(line[..<equals]), String(line[line.index(after: equals)...]))
        })
    }

    /// Runs `dev invoke|query` until the chaincode answers (it registers a moment after its start).
    static func transact(_ kind: String, _ name: String, _ arguments: String, api: String,
                         workspace: Workspace) async throws -> TestProcessResult {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let result = try await TestProcess.run(Fixtures.k8svm, ["dev", kind, name, arguments, "--api", api],
                                                   environment: workspace.peerEnvironment())
            if !result.stderr.contains("is not registered") || ContinuousClock.now > deadline { return result }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    @Test func theMaterialOfDevPeerRegistersTheChaincodeItNamesAndNoOther() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let materialRoot = workspace.path("material")
        let peer = try TestProcess(Fixtures.k8svm, ["dev", "peer", "--tls", "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0",
                                                    "--chaincode", "asset:1.0", "--material-dir", materialRoot],
                                   environment: workspace.peerEnvironment())
        defer { peer.killIfRunning() }
        let listening = try await peer.waitForStderrLine(containing: "API on http://")
        let api = String(listening.split(separator: "http://").last!)
        let peerAddress = String(listening.split(separator: "listening on ").last!.prefix { $0 != " " })
        _ = try await peer.waitForStderrLine(containing: "Java: ")

        // chaincode.json, the five shim files and env, readable by their owner only; stderr names each variable.
        let directory = materialRoot + "/asset_1.0"
        for file in ["chaincode.json", "env", "peer.crt", "client.key", "client.crt", "client_pem.key", "client_pem.crt"] {
            let mode = try FileManager.default.attributesOfItem(atPath: directory + "/" + file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file)")
        }
        let environment = try Self.variables(in: directory + "/env")
        #expect(environment["CORE_CHAINCODE_ID_NAME"] == "asset:1.0")
        #expect(environment["CORE_PEER_ADDRESS"] == peerAddress)
        #expect(environment["CORE_PEER_TLS_ENABLED"] == "true")
        #expect(environment["CORE_TLS_CLIENT_KEY_FILE"] == directory + "/client_pem.key")
        #expect(environment["CORE_TLS_CLIENT_CERT_PATH"] == directory + "/client.crt")
        for (name, value) in environment {
            #expect(peer.stderrSoFar.contains("k8svm dev:   \(name)=\(value)\n"), "stderr prints \(name)")
        }
        #expect(peer.stderrSoFar.contains("Go:   ./chaincode -peer.address=\(peerAddress)"))
        let chaincodeJSON = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/chaincode.json"))) as? [String: String]
        #expect(chaincodeJSON?["chaincode_id"] == "asset:1.0" && chaincodeJSON?["peer_address"] == peerAddress)

        // Started as a developer would: those variables and the Go shim's flag.
        let chaincode = try TestProcess(Fixtures.assetTransfer, ["-peer.address=\(peerAddress)"],
                                        environment: workspace.peerEnvironment(environment))
        defer { chaincode.killIfRunning() }
        let created = try await Self.transact("invoke", "asset", #"{"Args":["CreateAsset","o1","green","2","olga","5"]}"#,
                                              api: api, workspace: workspace)
        #expect(created.status == 0, "\(created)\nchaincode: \(chaincode.stderrSoFar)")

        // The same certificate under another chaincode's name is refused at REGISTER.
        var stolen = environment
        stolen["CORE_CHAINCODE_ID_NAME"] = "thief:1.0"
        let thief = try await TestProcess.run(Fixtures.assetTransfer, ["-peer.address=\(peerAddress)"],
                                              environment: workspace.peerEnvironment(stolen))
        #expect(thief.status != 0, "\(thief)")
        #expect(thief.stderr.contains("chaincode thief:1.0 presented the client certificate the debug peer issued for asset:1.0"),
                "\(thief)")

        // The API mints the material for a new name; with it, that chaincode registers too.
        let minted = try await TestProcess.run("/usr/bin/curl", ["-s", "--fail-with-body", "-X", "POST",
                                                                 "http://\(api)/chaincodes/minted:1.0/material"],
                                               environment: workspace.peerEnvironment())
        #expect(minted.status == 0, "\(minted)")
        let connection = try #require(try JSONSerialization.jsonObject(with: Data(minted.stdout.utf8)) as? [String: String])
        #expect(connection["chaincode_id"] == "minted:1.0")
        let mintedDirectory = workspace.path("minted")
        try FileManager.default.createDirectory(atPath: mintedDirectory, withIntermediateDirectories: true)
        for (file, key) in [("root.pem", "root_cert"), ("key.pem", "client_key"), ("cert.pem", "client_cert")] {
            try #require(connection[key]).write(toFile: mintedDirectory + "/" + file, atomically: true, encoding: .utf8)
        }
        let second = try TestProcess(Fixtures.assetTransfer, ["-peer.address=\(peerAddress)"], environment: workspace.peerEnvironment([
            "CORE_CHAINCODE_ID_NAME": "minted:1.0", "CORE_PEER_TLS_ENABLED": "true",
            "CORE_PEER_TLS_ROOTCERT_FILE": mintedDirectory + "/root.pem",
            "CORE_TLS_CLIENT_KEY_FILE": mintedDirectory + "/key.pem", "CORE_TLS_CLIENT_CERT_FILE": mintedDirectory + "/cert.pem"]))
        defer { second.killIfRunning() }
        let read = try await Self.transact("query", "minted", #"{"Args":["AssetExists","o1"]}"#, api: api, workspace: workspace)
        #expect(read.status == 0 && read.stdout.contains("false"), "each chaincode has its own namespace: \(read)")

        let badName = try await TestProcess.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
                                                                  "http://\(api)/chaincodes/noversion/material"],
                                                environment: workspace.peerEnvironment())
        #expect(badName.stdout == "400")

        peer.signal(SIGINT)
        #expect(await peer.finish().status == 130)
        #expect(!FileManager.default.fileExists(atPath: materialRoot), "the material is removed when the peer stops")
        chaincode.killIfRunning()
        second.killIfRunning()
    }

    @Test func aChaincodeThatIsNotNameColonVersionIsRefusedBeforeAnythingStarts() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let result = try await TestProcess.run(Fixtures.k8svm, ["dev", "peer", "--tls", "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0",
                                                                "--chaincode", "asset", "--material-dir", workspace.path("m")],
                                               environment: workspace.peerEnvironment())
        #expect(result.status == 1)
        #expect(result.stderr.contains("--chaincode \"asset\" is not NAME:VERSION"), "\(result)")
        #expect(!FileManager.default.fileExists(atPath: workspace.path("m")))
    }
}
