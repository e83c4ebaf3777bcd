import Foundation
import OCIRegistry

// Times stage-2 assembly (append a layer to a runtime base, push) against a running registry; starts nothing itself.
//   docker-registry serve config.yml   # e.g. with http.addr 127.0.0.1:5000
//   swift run -c release OCIRegistryBenchmark --registry 127.0.0.1:5000 [--runs 5] [--megabytes 20] [--chunk-megabytes 16]
// Cases: a new random binary each run into a fresh repository (base layer mounted, layer uploaded), and the same
// layer again into the same repository (layer present, only the configuration and manifest go up).

func option(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    return arguments.firstIndex(of: name).flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
}

guard let registry = option("--registry") else {
    FileHandle.standardError.write(Data("usage: OCIRegistryBenchmark --registry HOST:PORT [--runs N] [--megabytes M] [--chunk-megabytes C]\n".utf8))
    exit(2)
}
let runs = option("--runs").flatMap(Int.init) ?? 5
let megabytes = option("--megabytes").flatMap(Int.init) ?? 20
// Layers this large or larger go up in PATCH chunks of this size, smaller ones in one PUT.
let chunkMegabytes = option("--chunk-megabytes").flatMap(Int.init) ?? 16
let directory = NSTemporaryDirectory() + "k8svm-oci-benchmark-" + UUID().uuidString
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }

/// A shell step of the benchmark that failed.
struct ShellFailure: Error {
    let script: String
    let status: Int32
}

/// Runs a shell command, failing the benchmark on a non-zero exit.
func sh(_ script: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", script]
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw ShellFailure(script: script, status: process.terminationStatus) }
}

/// A `.tar.gz` layer holding `bytes` random bytes as `chaincode/bin/chaincode`.
func randomLayer(_ name: String, bytes: Int) throws -> LayerBlob {
    let root = directory + "/" + name
    try sh("mkdir -p '\(root)/chaincode/bin' && head -c \(bytes) /dev/urandom > '\(root)/chaincode/bin/chaincode' && tar -C '\(root)' -cf - chaincode | gzip -n -1 > '\(root).tar.gz' && rm -rf '\(root)'")
    return try LayerBlob.measure(file: root + ".tar.gz")
}

let client = try RegistryClient(registry: registry, chunkSize: chunkMegabytes << 20)
let base = try RegistryReference(parsing: "\(registry)/bench/runtime-base:1")
let baseLayer = try randomLayer("base", bytes: 64 << 10)
let baseConfig = Data(#"{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/bin:/bin"]},"rootfs":{"type":"layers","diff_ids":["\#(baseLayer.diffID)"]},"history":[{"created_by":"benchmark base"}]}"#.utf8)
try await client.uploadBlob(.file(path: baseLayer.file), digest: baseLayer.digest, to: base.repository)
try await client.uploadBlob(.bytes(baseConfig), digest: Digest.of(baseConfig), to: base.repository)
let baseManifest = ImageManifest(family: .oci,
                                 config: Descriptor(mediaType: ManifestFamily.oci.config, digest: Digest.of(baseConfig), size: Int64(baseConfig.count)),
                                 layers: [Descriptor(mediaType: ManifestFamily.oci.gzipLayer, digest: baseLayer.digest, size: baseLayer.size)])
try await client.putManifest(try baseManifest.encoded(), mediaType: ManifestFamily.oci.manifest, as: base)

let assembly = ImageAssembly(client: client)
let changes = ImageConfigChanges(entrypoint: ["/chaincode/bin/chaincode"], user: "10001:10001", workingDir: "/chaincode",
                                 labels: ["io.k8svm.package-id": "bench_1.0:0"])
let session = UUID().uuidString.prefix(8).lowercased()

func measure(_ target: RegistryReference, _ layer: LayerBlob) async throws -> Duration {
    let start = ContinuousClock.now
    _ = try await assembly.assemble(base: base, target: target, layer: layer, changes: changes, createdBy: "k8svm build: bench_1.0")
    return ContinuousClock.now - start
}

var newLayer: [Duration] = []
var lastLayer = baseLayer
for run in 0..<runs {
    lastLayer = try randomLayer("layer-\(run)", bytes: megabytes << 20)
    let target = try RegistryReference(parsing: "\(registry)/bench/app-\(session)-\(run):1")
    newLayer.append(try await measure(target, lastLayer))
}
var presentLayer: [Duration] = []
for run in 0..<runs {
    let target = try RegistryReference(parsing: "\(registry)/bench/app-\(session)-\(runs - 1):again-\(run)")
    presentLayer.append(try await measure(target, lastLayer))
}
let counts = client.transferCounts
await client.shutdown()

func milliseconds(_ duration: Duration) -> String {
    String(format: "%.1f", Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15)
}

func row(_ name: String, _ samples: [Duration]) -> String {
    let sorted = samples.sorted()
    return "| \(name) | \(sorted.count) | \(milliseconds(sorted[sorted.count / 2])) | \(milliseconds(sorted.first!)) | \(milliseconds(sorted.last!)) |"
}

let upload = lastLayer.size < Int64(chunkMegabytes << 20) ? "one PUT" : "PATCH chunks of \(chunkMegabytes) MiB"
print("Stage-2 assembly onto a one-layer base, \(megabytes) MiB random binary (\(lastLayer.size) bytes compressed, uploaded in \(upload)), registry \(registry)")
print("")
print("| case | runs | median ms | min ms | max ms |")
print("|---|---|---|---|---|")
print(row("new layer, new repository (mount base, upload layer)", newLayer))
print(row("layer already present (config + manifest only)", presentLayer))
print("")
print("blobs uploaded \(counts.uploadedBlobs) (\(counts.uploadedBytes) bytes), mounted \(counts.mountedBlobs), already present \(counts.presentBlobs)")
