import Foundation

/// Test programs and material, built once per test run from `Fixtures/`.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

    /// The directory of the products this package built (the test bundle sits there too).
    static let products: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().path
    }()

    /// The k8svm executable.
    static let k8svm = products + "/k8svm"

    /// The Swift asset-transfer example chaincode (Examples/asset-transfer-swift), built by this package.
    static let assetTransfer = products + "/AssetTransferExample"

    /// Where fixtures are built, once per test process; removed when the process exits.
    private static let buildDirectory: String = {
        var template = Array(("/tmp/k8svm-fixtures-XXXXXX").utf8CString)
        let path = String(cString: mkdtemp(&template)!)
        atexit { try? FileManager.default.removeItem(atPath: Fixtures.buildDirectory) }
        return path
    }()

    /// The recorder chaincode (Fixtures/recorder.c), compiled with the system C compiler.
    static let recorder: String = {
        let output = buildDirectory + "/recorder"
        runChecked("/usr/bin/env", ["cc", "-O1", "-o", output, directory + "/recorder.c"])
        return output
    }()

    /// A TLS root certificate, client certificate and client key (PEM), made with openssl.
    static let tls: (root: String, cert: String, key: String) = {
        let dir = buildDirectory
        for name in ["root", "client"] {
            runChecked("/usr/bin/env", ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                        "-nodes", "-subj", "/CN=\(name)", "-days", "1",
                                        "-keyout", "\(dir)/\(name).key", "-out", "\(dir)/\(name).crt"])
        }
        func read(_ name: String) -> String { (try? String(contentsOfFile: "\(dir)/\(name)", encoding: .utf8)) ?? "" }
        return (read("root.crt"), read("client.crt"), read("client.key"))
    }()

    /// Whether a Go toolchain is on PATH.
    static let hasGo: Bool = {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .contains { FileManager.default.isExecutableFile(atPath: "\($0)/go") }
    }()

    private static func runChecked(_ executable: String, _ arguments: [String]) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try! process.run()
        process.waitUntilExit()
        precondition(process.terminationStatus == 0, "\(arguments.joined(separator: " ")) failed")
    }
}
