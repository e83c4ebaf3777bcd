import Foundation
import Testing
import TestSupport

/// The local backend's `build` of Go chaincode in every layout the peer CLI writes, given to it as a peer gives it:
/// SRC_DIR (the untarred code.tar.gz) and METADATA_DIR.
@Suite struct GoLayoutBuildTests {
    /// A peer's build context for `layout`: `src/` (SRC_DIR), `metadata/metadata.json`, and an empty `bld/`.
    static func context(_ layout: GoPackageLayout, in workspace: Workspace) throws -> String {
        let context = workspace.path("ctx-" + layout.name)
        try layout.write(into: context + "/src")
        try workspace.write(#"{"path":"\#(layout.path)","type":"golang","label":"\#(layout.name)_1"}"#,
                            to: "ctx-\(layout.name)/metadata/metadata.json")
        try FileManager.default.createDirectory(atPath: context + "/bld", withIntermediateDirectories: true)
        return context
    }

    /// One peer (one TMPDIR, so one Go cache) for all layouts: only the first build compiles the standard library.
    @Test func theLocalBackendBuildsEveryLayout() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let builder = try await InstalledBuilder(workspace: workspace)
        for layout in GoPackageLayout.all {
            let context = try Self.context(layout, in: workspace)
            let built = try await builder.verb("build", ["\(context)/src", "\(context)/metadata", "\(context)/bld"])
            #expect(built.status == 0, "\(layout.name): \(built)")
            let ran = try await TestProcess.run("\(context)/bld/chaincode", ["-peer.address=127.0.0.1:7052"], environment: [:])
            #expect(ran.stdout == "\(layout.printed) [-peer.address=127.0.0.1:7052]\n", "\(layout.name): \(ran)")
        }
    }

    @Test func aModuleThatNeedsANewerGoThanTheToolchainSaysSoInOneLine() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/go") else { return }
        let workspace = try Workspace()
        defer { workspace.remove() }
        let builder = try await InstalledBuilder(workspace: workspace, config: "local:\n  goCommand: /usr/bin/go\n")
        let old = try await TestProcess.run("/usr/bin/go", ["env", "GOVERSION"], environment: workspace.peerEnvironment())
        let version = old.stdout.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst(2)
        guard version.hasPrefix("1.19") || version.hasPrefix("1.20") || version.hasPrefix("1.21") else { return }
        let context = try Self.context(.currentGo, in: workspace)
        let built = try await builder.verb("build", ["\(context)/src", "\(context)/metadata", "\(context)/bld"])
        #expect(built.status == 1)
        #expect(built.stderr == "k8svm build: the package's go.mod asks for Go 1.22, but the toolchain /usr/bin/go is Go \(version); set local.goCommand to a newer Go\n",
                "\(built)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: context + "/bld").isEmpty, "nothing is left in BUILD_OUTPUT_DIR")
    }

    @Test func anUnvendoredModuleOfflineSaysThatVendoringFixesIt() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let builder = try await InstalledBuilder(workspace: workspace)
        let vendored = GoPackageLayout.moduleVendored
        let layout = GoPackageLayout(name: "unvendored", path: vendored.path, files: vendored.files.filter { !$0.key.hasPrefix("src/vendor/") })
        let context = try Self.context(layout, in: workspace)
        let built = try await builder.verb("build", ["\(context)/src", "\(context)/metadata", "\(context)/bld"], extra: ["GOPROXY": "off"])
        #expect(built.status == 1)
        #expect(built.stderr.hasSuffix("; the module is not vendored, so go build fetches its dependencies from GOPROXY (off); if that is unreachable, run `go mod vendor` before packaging\n"),
                "\(built)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: context + "/bld").isEmpty)
    }

    @Test func aPathThatIsNotInThePackageIsOneLineNamingIt() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let builder = try await InstalledBuilder(workspace: workspace)
        var layout = GoPackageLayout.moduleImportPath
        layout = GoPackageLayout(name: layout.name, path: "example.com/simplecc/nope", files: layout.files)
        let context = try Self.context(layout, in: workspace)
        let built = try await builder.verb("build", ["\(context)/src", "\(context)/metadata", "\(context)/bld"])
        #expect(built.status == 1)
        #expect(built.stderr.split(separator: "\n").count == 1, "\(built)")
        #expect(built.stderr.contains("metadata.json path \"example.com/simplecc/nope\" names src/nope"), "\(built)")
        #expect(try workspace.tmpLeftovers().isEmpty)
    }
}
