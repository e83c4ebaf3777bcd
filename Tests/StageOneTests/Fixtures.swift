import Crypto
import Foundation
import OCIRegistry
import ImageBuild
import K8sVMCore
import Synchronization
import TestServices
import TestSupport

/// A temporary directory, removed by `remove()`.
struct Scratch {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("k8svm-stage1-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `contents` at `relative`, creating directories.
    func write(_ contents: String, to relative: String) throws {
        let file = path + "/" + relative
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try contents.write(toFile: file, atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Go chaincode sources as a peer's SRC_DIR holds them (the code under `src/`): stdlib only, so no module download.
enum GoSource {
    /// What the test chaincode prints: its arguments, so a test sees the peer address it was started with.
    static let greeting = "k8svm stage-1 test chaincode, arguments:"

    static let main = """
        package main

        import (
        \t"fmt"
        \t"os"
        )

        func main() {
        \tfmt.Println("\(greeting)", os.Args[1:])
        }

        """

    /// A module package (`src/go.mod`, `src/main.go`) in a fresh directory under `scratch`.
    static func write(in scratch: Scratch, name: String = "source", main: String = GoSource.main) throws -> String {
        try scratch.write("module example.com/k8svm-test\n\ngo 1.19\n", to: "\(name)/src/go.mod")
        try scratch.write(main, to: "\(name)/src/main.go")
        return scratch.path + "/" + name
    }
}

/// Collects what a runner logs.
final class LogSink: Sendable {
    private let lines = Mutex<[String]>([])

    var sink: @Sendable (String) -> Void { { line in self.lines.withLock { $0.append(line) } } }
    var text: String { lines.withLock { $0.joined(separator: "\n") } }
}

/// `sha256:<hex>` of a file's bytes.
func sha256(file: String) throws -> String {
    let data = try Data(contentsOf: URL(fileURLWithPath: file))
    return "sha256:" + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
}

/// `sha256:<hex>` of a gzip file's decompressed bytes.
func diffID(ofGzip file: String) async throws -> String {
    let result = try await ShellCommand.run(["/bin/sh", "-c", "gzip -dc '\(file)' | sha256sum"])
    try result.check()
    return "sha256:" + result.output.prefix(64)
}

/// Checks a received Go layer the way a user would: the digests, the entries (owner 1000, under k8svm/chaincode/),
/// and the binary, extracted, static and run on this host. Returns what the binary printed.
func inspectGoLayer(_ output: LayerBlob, scratch: Scratch) async throws -> (entries: String, printed: String, ldd: String) {
    let listing = try await ShellCommand.run(["/bin/tar", "--numeric-owner", "-tvzf", output.file])
    try listing.check()
    let extracted = scratch.path + "/extracted"
    try FileManager.default.createDirectory(atPath: extracted, withIntermediateDirectories: true)
    try await ShellCommand.run(["/bin/tar", "-xzf", output.file, "-C", extracted]).check()
    let binary = extracted + "/k8svm/chaincode/chaincode"
    let ran = try await ShellCommand.run([binary, "-peer.address=127.0.0.1:7052"])
    try ran.check()
    let ldd = try await ShellCommand.run(["/usr/bin/ldd", binary])
    return (listing.output, ran.output, ldd.output)
}

/// Builds `layout` with `runner` as stage-1 job `label` (its source written under `scratch`) and returns what the
/// built executable printed.
func build(_ layout: GoPackageLayout, as label: String, with runner: some StageOneRunner, builderImage: String,
           scratch: Scratch) async throws -> String {
    let source = scratch.path + "/source-" + label
    try layout.write(into: source)
    let job = try StageOneJob(label: label, type: .golang, path: layout.path, sourceDirectory: source,
                              builderImage: builderImage, timeout: .seconds(300), layerFile: scratch.path + "/layer.tar.gz")
    return try await inspectGoLayer(try await runner.run(job), scratch: scratch).printed
}
