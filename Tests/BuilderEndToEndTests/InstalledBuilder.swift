import Foundation
import Testing

/// A builder installed with `k8svm install-builder` into a test workspace, driven the way a peer drives it.
struct InstalledBuilder {
    let workspace: Workspace
    var directory: String { workspace.path("builder") }

    init(workspace: Workspace, config: String? = nil) async throws {
        self.workspace = workspace
        let installed = try await TestProcess.run(Fixtures.k8svm, ["install-builder", workspace.path("builder")],
                                                  environment: workspace.peerEnvironment())
        guard installed.status == 0 else { throw TestFailure("install-builder failed: \(installed)") }
        if let config { try workspace.write(config, to: "builder/k8svm.yaml") }
    }

    /// Runs `bin/<verb>` with the peer's pruned environment (plus `extra`).
    func verb(_ verb: String, _ arguments: [String], extra: [String: String] = [:]) async throws -> TestProcessResult {
        try await TestProcess.run(directory + "/bin/" + verb, arguments, environment: workspace.peerEnvironment(extra))
    }

    /// Starts `bin/run` without waiting for it.
    func startRun(_ arguments: [String], extra: [String: String]) throws -> TestProcess {
        try TestProcess(directory + "/bin/run", arguments, environment: workspace.peerEnvironment(extra))
    }

    /// `k8svm <arguments>` as a person runs it.
    func k8svm(_ arguments: [String], extra: [String: String] = [:]) async throws -> TestProcessResult {
        try await TestProcess.run(Fixtures.k8svm, arguments, environment: workspace.peerEnvironment(extra))
    }

    /// Packages `source` with k8svm, then lays it out as the peer does: returns the context directory holding
    /// src/, metadata/, bld/ and release/.
    func installPackage(from source: String, label: String, type: String, extraOptions: [String] = [],
                        named name: String = "pkg") async throws -> String {
        let packageFile = workspace.path("\(name).tar.gz")
        let packaged = try await k8svm(["package", source, "--label", label, "--type", type, "-o", packageFile] + extraOptions)
        guard packaged.status == 0 else { throw TestFailure("package failed: \(packaged)") }
        let context = workspace.path(name)
        let extracted = try await k8svm(["package", "extract", packageFile, context])
        guard extracted.status == 0 else { throw TestFailure("extract failed: \(extracted)") }
        return context
    }

    /// detect, build and release, each required to succeed.
    func detectBuildRelease(_ context: String) async throws {
        for (verb, arguments) in [("detect", ["\(context)/src", "\(context)/metadata"]),
                                  ("build", ["\(context)/src", "\(context)/metadata", "\(context)/bld"]),
                                  ("release", ["\(context)/bld", "\(context)/release"])] {
            let result = try await self.verb(verb, arguments)
            guard result.status == 0 else { throw TestFailure("\(verb) failed: \(result)") }
        }
    }

    /// Writes a peer's `chaincode.json` into a new run-metadata directory and returns it.
    func runMetadata(chaincodeID: String, tls: Bool, name: String = "run-metadata") throws -> String {
        var object = ["chaincode_id": chaincodeID, "peer_address": "127.0.0.1:7052", "mspid": "Org1MSP",
                      "client_cert": "", "client_key": "", "root_cert": ""]
        if tls {
            object["client_cert"] = Fixtures.tls.cert
            object["client_key"] = Fixtures.tls.key
            object["root_cert"] = Fixtures.tls.root
        }
        let data = try JSONSerialization.data(withJSONObject: object)
        try workspace.write(String(decoding: data, as: UTF8.self), to: "\(name)/chaincode.json")
        return workspace.path(name)
    }
}

/// What the recorder chaincode wrote about its start.
struct Recording {
    let directory: String

    var isReady: Bool { FileManager.default.fileExists(atPath: directory + "/ready") }

    func lines(_ name: String) throws -> [String] {
        try String(contentsOfFile: directory + "/" + name, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func environment() throws -> [String: String] {
        Dictionary(try lines("env").compactMap { line -> (String, String)? in
            guard let equals = line.firstIndex(of: "=") else { return nil }
            return (String(line[..<equals]), String(line[line.index(after: equals)...]))
        }, uniquingKeysWith: { $1 })
    }

    func file(_ variable: String) throws -> String {
        try String(contentsOfFile: directory + "/files/" + variable, encoding: .utf8)
    }

    /// Waits (bounded) until the recorder has written everything.
    func waitUntilReady(timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !isReady {
            guard ContinuousClock.now < deadline else { throw TestFailure("the chaincode never started") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
