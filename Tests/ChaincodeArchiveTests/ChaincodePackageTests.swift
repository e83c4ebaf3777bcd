import ChaincodeArchive
import Foundation
import K8sVMCore
import Testing

/// Packages are reproducible and identified exactly as the peer identifies them.
@Suite struct ChaincodePackageTests {
    func makeSource() throws -> String {
        var template = Array("/tmp/k8svm-pkg-XXXXXX".utf8CString)
        let root = String(cString: mkdtemp(&template)!)
        try FileManager.default.createDirectory(atPath: root + "/META-INF/statedb/couchdb/indexes", withIntermediateDirectories: true)
        try "{\"index\":{}}".write(toFile: root + "/META-INF/statedb/couchdb/indexes/i.json", atomically: false, encoding: .utf8)
        try "module x\n".write(toFile: root + "/go.mod", atomically: false, encoding: .utf8)
        try "package main\n".write(toFile: root + "/main.go", atomically: false, encoding: .utf8)
        return root
    }

    @Test func theSameInputGivesTheSameBytesAndID() throws {
        let source = try makeSource()
        defer { try? FileManager.default.removeItem(atPath: source) }
        let metadata = PackageMetadata(type: .golang, label: "basic_1.0", path: ".")
        let first = try ChaincodePackage.create(from: source, metadata: metadata)
        // Touch every file: new mtimes must not change the package.
        for file in ["/go.mod", "/main.go"] {
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 3600)], ofItemAtPath: source + file)
        }
        let second = try ChaincodePackage.create(from: source, metadata: metadata)
        #expect(first == second)
        #expect(try ChaincodePackage.id(of: first, name: "p") == "basic_1.0:" + PackageID.sha256Hex(first))
    }

    @Test func sourcePackagesUseThePeersLayout() throws {
        let source = try makeSource()
        defer { try? FileManager.default.removeItem(atPath: source) }
        let bytes = try ChaincodePackage.create(from: source, metadata: PackageMetadata(type: .golang, label: "basic", path: "."))
        let contents = try ChaincodePackage.read(bytes, name: "p")
        let reader = try ArchiveReader(data: contents.code, name: "code")
        var members: [String] = []
        while let entry = try reader.next() { members.append(entry.path) }
        #expect(members == ["META-INF/statedb/couchdb/indexes/i.json", "src/go.mod", "src/main.go"])
        #expect(contents.metadata == PackageMetadata(type: .golang, label: "basic", path: "."))
    }

    @Test func theIDMatchesAPackageMadeByOtherTools() throws {
        // A package made with GNU tar and gzip, not by k8svm: the ID depends only on the file's bytes and label.
        let source = try makeSource()
        defer { try? FileManager.default.removeItem(atPath: source) }
        try "{\"type\":\"golang\",\"label\":\"other_2\",\"path\":\".\"}".write(toFile: source + "/metadata.json", atomically: false, encoding: .utf8)
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/bin/sh")
        tar.arguments = ["-c", "cd \(source) && tar czf code.tar.gz main.go go.mod && tar czf pkg.tgz metadata.json code.tar.gz"]
        try tar.run()
        tar.waitUntilExit()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: source + "/pkg.tgz"))
        #expect(try ChaincodePackage.id(of: bytes, name: "pkg.tgz") == "other_2:" + PackageID.sha256Hex(bytes))
    }

    @Test func badLabelsAreRefused() throws {
        let source = try makeSource()
        defer { try? FileManager.default.removeItem(atPath: source) }
        for label in ["", "-lead", "trail_", "two..dots", "sp ace", "ünï"] {
            #expect(throws: K8sVMError.self, "\(label)") {
                try ChaincodePackage.create(from: source, metadata: PackageMetadata(type: .golang, label: label))
            }
        }
        // Go's regexp reads [.+-_] as a range, so the peer accepts these separators too.
        for label in ["a.b", "a+b", "a-b", "a_b", "a:b", "a/b", "A@1"] {
            #expect(throws: Never.self, "\(label)") { try PackageID.validateLabel(label) }
        }
    }

    @Test func aPackageWithoutCodeIsRefused() throws {
        let writer = try ArchiveWriter()
        try writer.addFile(path: "metadata.json", contents: PackageMetadata(type: .binary, label: "x").encoded())
        let bytes = try writer.finish()
        #expect(throws: K8sVMError("p: no code.tar.gz in the package")) { try ChaincodePackage.id(of: bytes, name: "p") }
    }

    @Test func symbolicLinksInTheSourceAreRefusedByName() throws {
        let source = try makeSource()
        defer { try? FileManager.default.removeItem(atPath: source) }
        try FileManager.default.createSymbolicLink(atPath: source + "/secret", withDestinationPath: "/etc/hostname")
        #expect(throws: K8sVMError("\(source)/secret is a symbolic link; copy the file it points to into the package instead")) {
            try ChaincodePackage.create(from: source, metadata: PackageMetadata(type: .golang, label: "x"))
        }
    }
}
