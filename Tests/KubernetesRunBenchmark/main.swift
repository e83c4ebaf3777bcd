import FakeKubeAPIServer
import Foundation

// Measures `bin/run` on the kubernetes backend against the in-process fake kube-apiserver (whose kubelet runs the
// container as a real process): the API requests one launch takes, and the resident memory of the `run` process
// while the chaincode runs (what a peer Pod pays per running chaincode). Prints a markdown table.
//   swift run -c release KubernetesRunBenchmark --k8svm PATH [--runs N] [--json] [--run-under "COMMAND ARGS"]
// With --json it prints one JSON object instead of the table (for bench/run.py). With --run-under, `bin/run` is started
// under that command (a profiler, as scripts/order-hot-code.py does).

func option(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

guard let k8svm = option("--k8svm") else {
    FileHandle.standardError.write(Data("usage: KubernetesRunBenchmark --k8svm PATH [--runs N]\n".utf8))
    exit(64)
}
let runs = option("--runs").flatMap(Int.init) ?? 5

/// The kernel's account of a process's resident memory, in KiB.
struct Residency {
    var total = 0, anonymous = 0, file = 0

    init?(pid: Int32) {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, let value = Int(fields[1]) else { continue }
            switch fields[0] {
            case "VmRSS:": total = value
            case "RssAnon:": anonymous = value
            case "RssFile:": file = value
            default: break
            }
        }
    }
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}

func write(_ text: String, to path: String) throws {
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try text.write(toFile: path, atomically: true, encoding: .utf8)
}

/// Runs a builder verb to completion; its stderr is returned for error messages.
func verb(_ path: String, _ arguments: [String]) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let output = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}

let work = FileManager.default.temporaryDirectory.appendingPathComponent("k8svm-kube-bench-\(UUID().uuidString)").path
defer { try? FileManager.default.removeItem(atPath: work) }

var options = FakeKubeAPIServer.Options()
options.timeScale = 0.1
let fake = try await FakeKubeAPIServer.start(options)
let image = "127.0.0.1:5000/k8svm-bench/sleeper"
// A chaincode that logs a line every 100 ms for 3 s, so that `run` is measured while it streams a log, as it does.
fake.registerImage(image, entrypoint: ["/bin/sh", "-c",
                                       "echo chaincode started >&2; for i in $(seq 30); do echo log line $i; sleep 0.1; done"])
try write(fake.kubeconfig(namespace: "k8svm-bench"), to: work + "/kubeconfig")

let builder = work + "/builder"
let (installed, installErrors) = try verb(k8svm, ["install-builder", builder, "--backend", "kubernetes"])
guard installed == 0 else { fatalError("install-builder failed: \(installErrors)") }
try write("""
    backend: kubernetes
    kubernetes:
      kubeconfig: \(work)/kubeconfig
      namespace: k8svm-bench
      peerName: bench-peer
      startTimeout: 30s
      stopGracePeriod: 2s
    """, to: builder + "/k8svm.yaml")
try write("{\"name\":\"\(image)\",\"digest\":\"sha256:\(String(repeating: "ab", count: 32))\"}", to: work + "/src/image.json")
try write("{\"type\":\"k8s\",\"label\":\"sleeper\"}", to: work + "/meta/metadata.json")
try FileManager.default.createDirectory(atPath: work + "/bld", withIntermediateDirectories: true)
let (built, buildErrors) = try verb(builder + "/bin/build", [work + "/src", work + "/meta", work + "/bld"])
guard built == 0 else { fatalError("build failed: \(buildErrors)") }
try write("""
    {"chaincode_id":"sleeper:1","peer_address":"127.0.0.1:7052","mspid":"Org1MSP","client_cert":"","client_key":"","root_cert":""}
    """, to: work + "/run/chaincode.json")

let runUnder = option("--run-under")?.split(separator: " ").map(String.init) ?? []
var requests: [Double] = [], resident: [Double] = [], anonymous: [Double] = [], filePages: [Double] = []
for _ in 0..<runs {
    let before = fake.requests.count
    let run = Process()
    let command = runUnder + [builder + "/bin/run", work + "/bld", work + "/run"]
    run.executableURL = URL(fileURLWithPath: command[0])
    run.arguments = Array(command.dropFirst())
    let errors = Pipe()
    run.standardError = errors
    try run.run()
    // Read run's stderr until the chaincode's own line arrives: the Pod is then running and run is streaming its log.
    var seen = ""
    while !seen.contains("chaincode started") {
        let chunk = errors.fileHandleForReading.availableData
        guard !chunk.isEmpty else { fatalError("run ended before the chaincode started: \(seen)") }
        seen += String(decoding: chunk, as: UTF8.self)
    }
    try await Task.sleep(for: .seconds(1))
    guard let sample = Residency(pid: run.processIdentifier) else { fatalError("run ended too early: \(seen)") }
    let launchRequests = fake.requests.count - before
    _ = errors.fileHandleForReading.readDataToEndOfFile()
    run.waitUntilExit()
    guard run.terminationStatus == 0 else { fatalError("run exited with \(run.terminationStatus): \(seen)") }
    requests.append(Double(launchRequests))
    resident.append(Double(sample.total) / 1024)
    anonymous.append(Double(sample.anonymous) / 1024)
    filePages.append(Double(sample.file) / 1024)
}
await fake.stop()

if CommandLine.arguments.contains("--json") {
    print(String(format: "{\"requests\": %.0f, \"residentMiB\": %.2f, \"anonymousMiB\": %.2f, \"fileMiB\": %.2f}",
                 median(requests), median(resident), median(anonymous), median(filePages)))
} else {
    print("| kubernetes `run` (fake API server, \(runs) runs) | median | goal |")
    print("|---|---|---|")
    print("| API requests until the chaincode runs | \(Int(median(requests))) | |")
    print(String(format: "| `run` resident memory while the chaincode runs | %.1f MiB | <= 12 MiB |", median(resident)))
    print(String(format: "| of which anonymous / file-backed | %.1f / %.1f MiB | |", median(anonymous), median(filePages)))
}
