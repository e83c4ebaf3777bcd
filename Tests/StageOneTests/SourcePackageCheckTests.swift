import Foundation
import ImageBuild
import K8sVMCore
import Testing

/// A package that is not what its type says is refused with the missing file named, before anything starts.
@Suite struct SourcePackageCheckTests {
    @Test func goodPackagesPass() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try SourcePackageCheck.check(sourceDirectory: try GoSource.write(in: scratch), type: .golang, path: "")
        try scratch.write("package main\n\nfunc main() {}\n", to: "gopath/src/example.com/cc/main.go")
        try SourcePackageCheck.check(sourceDirectory: scratch.path + "/gopath", type: .golang, path: "example.com/cc")
        try scratch.write("{\"name\":\"cc\"}\n", to: "node/src/package.json")
        try SourcePackageCheck.check(sourceDirectory: scratch.path + "/node", type: .node, path: "")
        try scratch.write("<project/>\n", to: "java/src/pom.xml")
        try SourcePackageCheck.check(sourceDirectory: scratch.path + "/java", type: .java, path: "")
    }

    @Test func wrongPackagesNameWhatIsMissing() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write("package library\n", to: "go/src/lib.go")
        try scratch.write("console.log(1)\n", to: "node/src/index.js")
        try scratch.write("class A {}\n", to: "java/src/A.java")
        let cases: [(String, ChaincodeType, String)] = [("go", .golang, "go.mod"), ("node", .node, "package.json"),
                                                         ("java", .java, "pom.xml")]
        for (directory, type, missing) in cases {
            let error = try #require(throws: K8sVMError.self) {
                try SourcePackageCheck.check(sourceDirectory: scratch.path + "/" + directory, type: type, path: "")
            }
            #expect(error.message.contains("not a \(type.rawValue) package") && error.message.contains(missing), "\(error.message)")
        }
    }
}
