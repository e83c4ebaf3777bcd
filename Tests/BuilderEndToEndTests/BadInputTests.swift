import Foundation
import Testing

/// Every kind of bad input gives one clear line on stderr naming the problem, a non-zero exit, and leaves nothing
/// behind.
@Suite struct BadInputTests {
    /// A workspace with an installed builder and a built recorder package.
    struct Setup {
        let workspace: Workspace
        let builder: InstalledBuilder
        let context: String

        init(config: String? = nil) async throws {
            workspace = try Workspace()
            builder = try await InstalledBuilder(workspace: workspace, config: config)
            try FileManager.default.createDirectory(atPath: workspace.path("cc"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: Fixtures.recorder, toPath: workspace.path("cc/chaincode"))
            context = try await builder.installPackage(from: workspace.path("cc"), label: "recorder", type: "binary")
        }

        /// Asserts a failed verb: non-zero, exactly one k8svm line, containing `message`, and an empty TMPDIR.
        func expectFailure(_ result: TestProcessResult, status: Int32 = 1, mentioning message: String,
                           sourceLocation: SourceLocation = #_sourceLocation) throws {
            #expect(result.status == status, "\(result)", sourceLocation: sourceLocation)
            #expect(result.k8svmLines.count == 1, "\(result.stderr)", sourceLocation: sourceLocation)
            #expect(result.stderr.contains(message), "\(result.stderr)", sourceLocation: sourceLocation)
            #expect(try workspace.tmpLeftovers().isEmpty, sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [
        ("detect", [String](), "missing SRC_DIR METADATA_DIR"),
        ("detect", ["a"], "missing METADATA_DIR"),
        ("build", ["a", "b"], "missing BUILD_DIR"),
        ("release", ["a", "b", "c"], "unexpected extra argument \"c\""),
        ("run", ["a", "b", "c", "d"], "unexpected extra argument \"c\""),
    ])
    func wrongArgumentCountsAreUsageErrors(verb: String, arguments: [String], message: String) async throws {
        let setup = try await Setup()
        defer { setup.workspace.remove() }
        let result = try await setup.builder.verb(verb, arguments)
        try setup.expectFailure(result, status: 2, mentioning: message)
        #expect(result.stderr.contains("usage: \(verb) "))
    }

    @Test func missingDirectoriesAreNamed() async throws {
        let setup = try await Setup()
        defer { setup.workspace.remove() }
        let missing = setup.workspace.path("nowhere")
        try setup.expectFailure(try await setup.builder.verb("detect", [missing, "\(setup.context)/metadata"]),
                                mentioning: "SRC_DIR \(missing) does not exist")
        try setup.expectFailure(try await setup.builder.verb("build", ["\(setup.context)/src", "\(setup.context)/metadata", missing]),
                                mentioning: "BUILD_DIR \(missing) does not exist")
        try setup.expectFailure(try await setup.builder.verb("run", ["\(setup.context)/bld", missing]),
                                mentioning: "RUN_METADATA_DIR \(missing) does not exist")
    }

    @Test(arguments: [
        ("{not json", "malformed JSON"),
        ("[1,2]", "expected a JSON object"),
        ("{\"label\":\"x\"}", "missing \"type\""),
        ("{\"type\":\"cobol\",\"label\":\"x\"}", "unknown chaincode type \"cobol\""),
        ("{\"type\":42,\"label\":\"x\"}", "\"type\" must be a string"),
        ("{\"type\":\"binary\",\"label\":\"x\",\"executable\":\"../../bin/sh\"}", "climbs out of the package"),
        ("{\"type\":\"binary\",\"label\":\"x\",\"executable\":\"/bin/sh\"}", "is an absolute path"),
    ])
    func badMetadataIsNamed(metadata: String, message: String) async throws {
        let setup = try await Setup()
        defer { setup.workspace.remove() }
        try setup.workspace.write(metadata, to: "pkg/metadata/metadata.json")
        for (verb, arguments) in [("detect", ["\(setup.context)/src", "\(setup.context)/metadata"]),
                                  ("build", ["\(setup.context)/src", "\(setup.context)/metadata", "\(setup.context)/bld"])] {
            let result = try await setup.builder.verb(verb, arguments)
            try setup.expectFailure(result, mentioning: message)
            #expect(result.stderr.contains("metadata.json"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(setup.context)/bld").isEmpty)
    }

    @Test func detectDeclinesTypesTheBackendCannotServe() async throws {
        let setup = try await Setup()
        defer { setup.workspace.remove() }
        for type in ["node", "java", "image", "k8s"] {
            try setup.workspace.write("{\"type\":\"\(type)\",\"label\":\"x\",\"path\":\"\"}", to: "pkg/metadata/metadata.json")
            let result = try await setup.builder.verb("detect", ["\(setup.context)/src", "\(setup.context)/metadata"])
            #expect(result.status == 1, "\(type)")
            #expect(result.stderr.contains("not claiming \(type) package"))
        }
    }

    @Test func aPackageWithPathTraversalIsRefusedAndLeavesNothing() async throws {
        let setup = try await Setup()
        defer { setup.workspace.remove() }
        let hostile = setup.workspace.path("hostile.tar.gz")
        try HostilePackage.write(to: hostile, codeMember: "../../escaped")
        let target = setup.workspace.path("unpacked")
        let result = try await setup.builder.k8svm(["package", "extract", hostile, target])
        try setup.expectFailure(result, mentioning: "archive member \"../../escaped\"")
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(!FileManager.default.fileExists(atPath: setup.workspace.path("escaped")))
        #expect(!FileManager.default.fileExists(atPath: (setup.workspace.root as NSString).deletingLastPathComponent + "/escaped"))
    }

    @Test func anExecutableThatIsNotExecutableFailsTheBuild() async throws {
        let setup = try await Setup()
        defer { setup.workspace.remove() }
        chmod("\(setup.context)/src/chaincode", 0o644)
        let result = try await setup.builder.verb("build", ["\(setup.context)/src", "\(setup.context)/metadata", "\(setup.context)/bld"])
        try setup.expectFailure(result, mentioning: "chaincode is not executable")
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(setup.context)/bld").isEmpty)
    }

    @Test func anExecutableLinkLeadingOutOfThePackageIsRefused() async throws {
        let setup = try await Setup()
        defer { setup.workspace.remove() }
        try FileManager.default.removeItem(atPath: "\(setup.context)/src/chaincode")
        try FileManager.default.createSymbolicLink(atPath: "\(setup.context)/src/chaincode", withDestinationPath: "/bin/sh")
        let result = try await setup.builder.verb("build", ["\(setup.context)/src", "\(setup.context)/metadata", "\(setup.context)/bld"])
        try setup.expectFailure(result, mentioning: "leads outside the package")
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(setup.context)/bld").isEmpty)
    }

    @Test func aBuiltExecutableThatLostItsPermissionFailsRunCleanly() async throws {
        let setup = try await Setup()
        defer { setup.workspace.remove() }
        try await setup.builder.detectBuildRelease(setup.context)
        chmod("\(setup.context)/bld/chaincode", 0o644)
        let runMetadata = try setup.builder.runMetadata(chaincodeID: "recorder:1", tls: true)
        let result = try await setup.builder.verb("run", ["\(setup.context)/bld", runMetadata])
        try setup.expectFailure(result, mentioning: "cannot execute \(setup.context)/bld/chaincode: Permission denied")
    }

    @Test(arguments: [
        ("{\"peer_address\":\"127.0.0.1:7052\"}", "missing \"chaincode_id\""),
        ("{\"chaincode_id\":\"cc:1\"}", "missing \"peer_address\""),
        ("{\"chaincode_id\":\"cc:1\",\"peer_address\":\"no-port\"}", "\"no-port\" is not host:port"),
        ("{\"chaincode_id\":\"cc:1\",\"peer_address\":\"p:1\",\"root_cert\":\"-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\\n\"}",
         "\"client_cert\" is empty but other TLS fields are set"),
        ("{\"chaincode_id\":\"cc:1\",\"peer_address\":\"p:1\",\"root_cert\":\"garbage\",\"client_cert\":\"garbage\",\"client_key\":\"garbage\"}",
         "\"client_cert\" is not valid PEM"),
        ("not json at all", "malformed JSON"),
    ])
    func badChaincodeJSONIsNamedAndStartsNothing(json: String, message: String) async throws {
        let setup = try await Setup()
        defer { setup.workspace.remove() }
        try await setup.builder.detectBuildRelease(setup.context)
        try setup.workspace.write(json, to: "run-metadata/chaincode.json")
        let recording = Recording(directory: setup.workspace.path("recording"))
        let result = try await setup.builder.verb("run", ["\(setup.context)/bld", setup.workspace.path("run-metadata")],
                                                  extra: ["RECORDER_OUT": recording.directory])
        try setup.expectFailure(result, mentioning: message)
        #expect(result.stderr.contains("chaincode.json"))
        #expect(!FileManager.default.fileExists(atPath: recording.directory), "no chaincode was started")
    }

    @Test func badTLSKeyIsNamed() async throws {
        let setup = try await Setup()
        defer { setup.workspace.remove() }
        try await setup.builder.detectBuildRelease(setup.context)
        let object = ["chaincode_id": "cc:1", "peer_address": "127.0.0.1:7052", "client_cert": Fixtures.tls.cert,
                      "client_key": Fixtures.tls.cert, "root_cert": Fixtures.tls.root]
        try setup.workspace.write(String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self),
                                  to: "run-metadata/chaincode.json")
        let result = try await setup.builder.verb("run", ["\(setup.context)/bld", setup.workspace.path("run-metadata")])
        try setup.expectFailure(result, mentioning: "\"client_key\" is not valid PEM: expected one PRIVATE KEY block, found CERTIFICATE")
    }

    @Test func runOnADirectoryThatWasNeverBuiltSaysSo() async throws {
        let setup = try await Setup()
        defer { setup.workspace.remove() }
        let runMetadata = try setup.builder.runMetadata(chaincodeID: "recorder:1", tls: false)
        let result = try await setup.builder.verb("run", ["\(setup.context)/bld", runMetadata])
        try setup.expectFailure(result, mentioning: "was not built by k8svm")
    }

    @Test(arguments: [
        ("backend: local\nbogus: 1\n", "unknown key \"bogus\""),
        ("local:\n  goCommand: go\n  colour: red\n", "unknown key \"local.colour\""),
        ("backend: mainframe\n", "unknown backend \"mainframe\""),
        ("local:\n  stopGracePeriod: soon\n", "\"local.stopGracePeriod\": \"soon\" is not a duration"),
        ("local: 3\n", "\"local\" must be a mapping"),
        ("backend: [local\n", "not valid YAML"),
    ])
    func badConfigurationIsNamed(config: String, message: String) async throws {
        let setup = try await Setup(config: config)
        defer { setup.workspace.remove() }
        let result = try await setup.builder.verb("detect", ["\(setup.context)/src", "\(setup.context)/metadata"])
        try setup.expectFailure(result, mentioning: message)
        #expect(result.stderr.contains("k8svm.yaml"))
    }

    @Test func unknownEnvironmentOverrideIsNamed() async throws {
        let setup = try await Setup()
        defer { setup.workspace.remove() }
        let result = try await setup.builder.verb("detect", ["\(setup.context)/src", "\(setup.context)/metadata"],
                                                  extra: ["K8SVM_BAKEND": "local"])
        try setup.expectFailure(result, mentioning: "unknown environment variable K8SVM_BAKEND")
    }

    @Test func aTypeTheBackendDoesNotServeIsSaid() async throws {
        let setup = try await Setup(config: "backend: kubernetes\n")
        defer { setup.workspace.remove() }
        let result = try await setup.builder.verb("build", ["\(setup.context)/src", "\(setup.context)/metadata", "\(setup.context)/bld"])
        try setup.expectFailure(result, mentioning: "backend kubernetes cannot build binary packages")
    }

    @Test func golangWithoutGoIsAClearError() async throws {
        let setup = try await Setup(config: "local:\n  goCommand: /nonexistent/go\n")
        defer { setup.workspace.remove() }
        try setup.workspace.write("{\"type\":\"golang\",\"label\":\"x\",\"path\":\".\"}", to: "pkg/metadata/metadata.json")
        let detected = try await setup.builder.verb("detect", ["\(setup.context)/src", "\(setup.context)/metadata"])
        #expect(detected.status == 1, "a builder that cannot build Go does not claim Go packages")
        let built = try await setup.builder.verb("build", ["\(setup.context)/src", "\(setup.context)/metadata", "\(setup.context)/bld"])
        try setup.expectFailure(built, mentioning: "cannot build golang packages on this host")
    }
}
