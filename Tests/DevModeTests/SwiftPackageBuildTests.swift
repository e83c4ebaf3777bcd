@testable import DevMode
import Foundation
import Testing

/// How `dev run` finds what to build for a Swift package, read from this repository's own manifest and build.
@Suite struct SwiftPackageBuildTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test func theExampleIsATargetOfTheRepositorysOwnPackage() throws {
        let manifest = try String(contentsOfFile: Self.root + "/Package.swift", encoding: .utf8)
        #expect(OwnPackageTarget.executableTarget(in: manifest, withSourcesUnder: "Examples/asset-transfer-swift") == "AssetTransferExample")
        #expect(OwnPackageTarget.executableTarget(in: manifest, withSourcesUnder: "Examples") == "AssetTransferExample")
        #expect(OwnPackageTarget.executableTarget(in: manifest, withSourcesUnder: "Sources/DevMode") == nil, "a library target")
        #expect(OwnPackageTarget.executableTarget(in: manifest, withSourcesUnder: "Examples/asset-transfer") == nil,
                "a prefix of a directory name is not that directory")
    }

    @Test func aK8sVMBuiltBySwiftPMInThisPackageBuildsTheExampleInItsOwnBuildDirectory() {
        let release = Self.root + "/.build/x86_64-unknown-linux-gnu/release/k8svm"
        let own = OwnPackageTarget.find(for: Self.root + "/Examples/asset-transfer-swift", executable: release)
        #expect(own == OwnPackageTarget(packageRoot: Self.root, product: "AssetTransferExample",
                                        binDirectory: Self.root + "/.build/x86_64-unknown-linux-gnu/release",
                                        configurationArguments: ["-c", "release"]))
        #expect(OwnPackageTarget.find(for: Self.root + "/Examples/asset-transfer-swift", executable: "/opt/k8svm/bin/k8svm") == nil,
                "an installed k8svm has no package of its own")
        #expect(OwnPackageTarget.find(for: NSTemporaryDirectory(), executable: release) == nil, "a directory outside the package")
    }

    @Test func theExecutableProductOfABuildIsFoundInItsBinDirectory() throws {
        // This test's own build directory holds several executable products: the error names them.
        let binDirectory = Self.root + "/.build/debug"
        let error = try #require(throws: (any Error).self) {
            try SwiftPackageBuild.executableProduct(in: binDirectory, package: "p")
        }
        let message = String(describing: error)
        #expect(message.hasPrefix("p: expected one executable product, found "))
        #expect(message.contains("AssetTransferExample") && message.contains("k8svm") && !message.contains("PackageTests"), "\(message)")
        #expect(throws: (any Error).self) { try SwiftPackageBuild.executableProduct(in: NSTemporaryDirectory(), package: "p") }
    }
}
