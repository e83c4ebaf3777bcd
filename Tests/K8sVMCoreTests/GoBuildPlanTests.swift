import Foundation
import K8sVMCore
import Testing
import TestSupport

/// The one decision of how a golang package is built, for each layout the peer CLI writes.
@Suite struct GoBuildPlanTests {
    /// Writes `layout` into a fresh directory, decides its plan, and removes the directory.
    func plan(_ layout: GoPackageLayout, path: String? = nil, extra: [String: String] = [:]) throws -> GoBuildPlan {
        let directory = NSTemporaryDirectory() + "k8svm-goplan-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try layout.write(into: directory)
        try GoPackageLayout(name: "extra", path: "", files: extra).write(into: directory)
        return try GoBuildPlan.decide(sourceDirectory: directory, path: path ?? layout.path)
    }

    @Test func eachLayoutIsBuiltAsFabricsGoPlatformBuildsIt() throws {
        #expect(try plan(.moduleImportPath) == GoBuildPlan(directory: "src", target: "./cmd", moduleMode: .readonly, requiredGoVersion: "1.19"))
        #expect(try plan(.moduleVendored) == GoBuildPlan(directory: "src", target: "./cmd", moduleMode: .vendor, requiredGoVersion: "1.19"))
        #expect(try plan(.moduleRoot) == GoBuildPlan(directory: "src", target: ".", moduleMode: .readonly, requiredGoVersion: "1.19"))
        #expect(try plan(.moduleRoot, path: ".") == GoBuildPlan(directory: "src", target: ".", moduleMode: .readonly, requiredGoVersion: "1.19"))
        #expect(try plan(.moduleAtPath) == GoBuildPlan(directory: "src/chaincode", target: ".", moduleMode: .readonly, requiredGoVersion: "1.19"))
        #expect(try plan(.gopath) == GoBuildPlan(directory: "src", target: "example.com/gopathcc/cmd", moduleMode: nil))
        #expect(try plan(.relativePath) == GoBuildPlan(directory: "src", target: "./cmd", moduleMode: .readonly, requiredGoVersion: "1.19"))
        #expect(try plan(.currentGo).requiredGoVersion == "1.22")
    }

    @Test func theBuildArgumentsAndVariablesFollowThePlan() throws {
        let vendored = try plan(.moduleVendored)
        #expect(vendored.buildArguments(output: "/out/cc") == ["build", "-trimpath", "-mod=vendor", "-o", "/out/cc", "./cmd"])
        #expect(vendored.environment(sourceDirectory: "/s").map { "\($0.0)=\($0.1)" } == ["GO111MODULE=on"])
        #expect(vendored.stageOneVariables.map { "\($0.0)=\($0.1)" }
                == ["K8SVM_GO_DIRECTORY=src", "K8SVM_GO_TARGET=./cmd", "K8SVM_GO_MOD=vendor", "K8SVM_GO_REQUIRED=1.19",
                    "K8SVM_GO_DOWNLOADS="])
        let gopath = try plan(.gopath)
        #expect(gopath.buildArguments(output: "o") == ["build", "-trimpath", "-o", "o", "example.com/gopathcc/cmd"])
        #expect(gopath.environment(sourceDirectory: "/s").map { "\($0.0)=\($0.1)" } == ["GO111MODULE=off", "GOPATH=/s"])
        #expect(gopath.stageOneVariables.first { $0.0 == "K8SVM_GO_MOD" }?.1 == "")
    }

    @Test func anUnvendoredModuleWithRequirementsSaysVendoringFixesAnOfflineBuild() throws {
        var layout = GoPackageLayout.moduleVendored
        layout = GoPackageLayout(name: layout.name, path: layout.path, files: layout.files.filter { !$0.key.hasPrefix("src/vendor/") })
        let unvendored = try plan(layout)
        #expect(unvendored.moduleMode == .readonly && unvendored.downloadsModules)
        #expect(unvendored.downloadHint(goproxy: "off")
                == "the module is not vendored, so go build fetches its dependencies from GOPROXY (off); if that is unreachable, run `go mod vendor` before packaging")
        #expect(try plan(.moduleVendored).downloadHint(goproxy: nil) == nil, "a vendored module downloads nothing")
        #expect(try plan(.moduleImportPath).downloadHint(goproxy: nil) == nil, "nor does one without requirements")
    }

    @Test func aToolchainOlderThanTheGoLineIsRefusedNamingBoth() throws {
        let current = try plan(.currentGo)
        #expect(current.toolchainRefusal(toolchainVersion: "go1.19.8", toolchain: "/usr/bin/go")
                == "the package's go.mod asks for Go 1.22, but the toolchain /usr/bin/go is Go 1.19.8")
        #expect(current.toolchainRefusal(toolchainVersion: "go1.22", toolchain: "go") == nil)
        #expect(current.toolchainRefusal(toolchainVersion: "go1.27.3", toolchain: "go") == nil)
        #expect(try plan(.gopath).toolchainRefusal(toolchainVersion: "go1.1", toolchain: "go") == nil, "GOPATH mode has no go line")
    }

    @Test func aPathThatIsNotInThePackageNamesItAndWhatIsThere() throws {
        let error = try #require(throws: K8sVMError.self) { try plan(.moduleImportPath, path: "example.com/simplecc/missing") }
        #expect(error.message == "metadata.json path \"example.com/simplecc/missing\" names src/missing in module example.com/simplecc, which holds no .go files; src/ holds: chaincode.go, cmd, go.mod")
        let elsewhere = try #require(throws: K8sVMError.self) { try plan(.moduleImportPath, path: "github.com/other/cc") }
        #expect(elsewhere.message.hasPrefix("metadata.json path \"github.com/other/cc\" is not in the package: not a package of module example.com/simplecc"))
        let gopath = try #require(throws: K8sVMError.self) { try plan(.gopath, path: "example.com/nothere") }
        #expect(gopath.message.hasPrefix("not a golang package: ") && gopath.message.contains("no .go files at src/example.com/nothere")
                && gopath.message.hasSuffix("src/ holds: example.com"),
                "\(gopath.message)")
        #expect(throws: K8sVMError.self) { try plan(.gopath, path: "../escape") }
    }

    @Test func aGOPATHPackageWithAGoModInTheWrongPlaceIsNamed() throws {
        let error = try #require(throws: K8sVMError.self) {
            try plan(.gopath, extra: ["src/example.com/gopathcc/go.mod": "module example.com/gopathcc\n"])
        }
        #expect(error.message.hasPrefix("src/example.com/gopathcc/go.mod is not where a Go module can be built from"), "\(error.message)")
    }
}
