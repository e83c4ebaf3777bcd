import Foundation
import K8sVMCore
import TestServices

// Measures `bin/build` of a Go source package on the kubernetes backend with the Docker runner, against a real
// registry (docker-registry) and a private Docker engine: the cold build (stage 1 + stage 2 + push), the same
// package's plain `go build` in the same ccenv image (a `docker run` doing only that), a cache-hit build, and the
// warm rebuild: the next version of the package (one line changed) built with `build.dockerCacheVolume` after the
// previous one, over the same plain `go build` with a warm cache volume of its own.
// Needs root, docker.io, docker-registry and debootstrap (scripts/install-deps.sh).
//   swift run -c release ImageBuildBenchmark --k8svm PATH [--runs N] [--json]

func option(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

guard let k8svm = option("--k8svm") else {
    FileHandle.standardError.write(Data("usage: ImageBuildBenchmark --k8svm PATH [--runs N] [--json]\n".utf8))
    exit(64)
}
let runs = option("--runs").flatMap(Int.init) ?? 3

/// A chaincode-sized Go program: the standard library parts a chaincode's shim pulls in (TLS, HTTP/2, JSON, gzip).
let chaincodeSource = """
    package main

    import (
    \t"compress/gzip"
    \t"crypto/tls"
    \t"encoding/json"
    \t"fmt"
    \t"net/http"
    \t"os"
    )

    func main() {
    \t_ = tls.Config{MinVersion: tls.VersionTLS12}
    \t_, _ = gzip.NewWriterLevel(os.Stdout, 9)
    \tdata, _ := json.Marshal(map[string]string{"peer": os.Getenv("CORE_PEER_ADDRESS")})
    \tfmt.Println(string(data), http.StatusOK)
    }
    """

func seconds(_ start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

func run(_ command: [String], environment: [String: String] = [:]) async throws -> ShellCommand {
    let result = try await ShellCommand.run(command, environment: environment)
    try result.check()
    return result
}

let docker = try await TestDockerEngine.shared()
let registry = try TestRegistry()
defer { registry.stop() }
let dockerEnvironment = ["DOCKER_HOST": docker.dockerHost]
let prefix = registry.address + "/k8svm"
let ccenv = "\(prefix)/ccenv-golang:\(K8sVMVersion.current)"
try await run(["/usr/bin/docker", "tag", docker.ccenvGolang, ccenv], environment: dockerEnvironment)
try await run(["/usr/bin/docker", "tag", docker.runtimeGo, "\(prefix)/runtime-go:\(K8sVMVersion.current)"], environment: dockerEnvironment)
try await run(["/usr/bin/docker", "push", "-q", "\(prefix)/runtime-go:\(K8sVMVersion.current)"], environment: dockerEnvironment)

let work = FileManager.default.temporaryDirectory.appendingPathComponent("k8svm-image-bench-\(UUID().uuidString)").path
defer { try? FileManager.default.removeItem(atPath: work) }
try FileManager.default.createDirectory(atPath: work + "/src/src", withIntermediateDirectories: true)
try FileManager.default.createDirectory(atPath: work + "/meta", withIntermediateDirectories: true)
// The package layout the peer hands `build`: the Go module under src/.
try "module example.com/benchcc\n\ngo 1.19\n".write(toFile: work + "/src/src/go.mod", atomically: true, encoding: .utf8)
try "{\"type\":\"golang\",\"label\":\"benchcc_1.0\",\"path\":\"\"}".write(toFile: work + "/meta/metadata.json", atomically: true, encoding: .utf8)
try await run([k8svm, "install-builder", work + "/builder", "--backend", "kubernetes"])

/// The same compile alone: the source bound in, the same image, user, network, caches and flags as stage 1's
/// compile-golang; with `cacheVolume`, Go's caches on that named volume at /cache as stage 1 keeps them.
func plainCompile(cacheVolume: String? = nil) async throws -> Double {
    let cache = cacheVolume == nil ? "/tmp/k8svm-go" : "/cache/go"
    let start = ContinuousClock.now
    try await run(["/usr/bin/docker", "run", "--rm", "--network", "host", "--user", "1000:1000", "--read-only",
                   "--tmpfs", "/tmp:rw,exec,nosuid,nodev,mode=1777", "-v", work + "/src/src:/src:ro"]
                  + (cacheVolume.map { ["-v", "\($0):/cache"] } ?? []) + ["--entrypoint", "/bin/sh",
                   ccenv, "-c", "cp -r /src /tmp/s && cd /tmp/s && CGO_ENABLED=0 GOCACHE=\(cache)/build GOMODCACHE=\(cache)/mod "
                   + "go build -trimpath -mod=mod -ldflags='-s -w' -o /tmp/chaincode ."],
                  environment: dockerEnvironment)
    return seconds(start)
}

/// Points the installed builder at the registry and the Docker runner, with or without a cache volume.
func configure(cacheVolume: String?) throws {
    try """
        backend: kubernetes
        build:
          registry: \(registry.address)/chaincode
          builderImages: \(prefix)
          runner: docker
          dockerSocket: \(docker.socketPath)
          dockerCacheVolume: "\(cacheVolume ?? "")"
        """.write(toFile: work + "/builder/k8svm.yaml", atomically: true, encoding: .utf8)
}

/// Writes the package's main.go; `line` is the one line that differs between versions.
func writeSource(_ line: String) throws {
    try (chaincodeSource + "\n\(line)\n").write(toFile: work + "/src/src/main.go", atomically: true, encoding: .utf8)
}

/// Runs `bin/build` into a fresh build directory and returns how long it took.
func build(into directory: String) async throws -> Double {
    try? FileManager.default.removeItem(atPath: work + "/" + directory)
    try FileManager.default.createDirectory(atPath: work + "/" + directory, withIntermediateDirectories: true)
    let start = ContinuousClock.now
    try await run([work + "/builder/bin/build", work + "/src", work + "/meta", work + "/" + directory])
    return seconds(start)
}

var cold: [Double] = [], plain: [Double] = [], hits: [Double] = []
try configure(cacheVolume: nil)
for round in 0..<runs {
    // A new source each round (a comment differs): a new recipe, so a cold build.
    try writeSource("// round \(round) \(UUID().uuidString)")
    // The plain compile goes first in odd rounds and last in even ones, so neither side always runs on a warmer machine.
    if round % 2 == 1 { plain.append(try await plainCompile()) }
    cold.append(try await build(into: "bld-cold"))
    hits.append(try await build(into: "bld-hit"))
    if round % 2 == 0 { plain.append(try await plainCompile()) }
}

// Warm rebuilds: each side's cache volume is warmed by a first version, then every round changes one line.
let buildCache = "k8svm-bench-cache-\(UUID().uuidString.prefix(8).lowercased())"
let plainCache = "k8svm-bench-plain-cache-\(UUID().uuidString.prefix(8).lowercased())"
var warm: [Double] = [], warmPlain: [Double] = []
do {
    try configure(cacheVolume: buildCache)
    try writeSource("var version = \"first \(UUID().uuidString)\"")
    _ = try await build(into: "bld-warm")
    _ = try await plainCompile(cacheVolume: plainCache)
    for round in 0..<runs {
        try writeSource("var version = \"round \(round) \(UUID().uuidString)\"")
        if round % 2 == 1 { warmPlain.append(try await plainCompile(cacheVolume: plainCache)) }
        warm.append(try await build(into: "bld-warm"))
        if round % 2 == 0 { warmPlain.append(try await plainCompile(cacheVolume: plainCache)) }
    }
}
_ = try? await ShellCommand.run(["/usr/bin/docker", "volume", "rm", buildCache, plainCache], environment: dockerEnvironment)

let ratio = median(cold) / median(plain)
let warmRatio = median(warm) / median(warmPlain)
if CommandLine.arguments.contains("--json") {
    print(String(format: "{\"coldSeconds\": %.3f, \"plainSeconds\": %.3f, \"ratio\": %.3f, \"cacheHitSeconds\": %.3f, "
                 + "\"warmSeconds\": %.3f, \"warmPlainSeconds\": %.3f, \"warmRatio\": %.3f}",
                 median(cold), median(plain), ratio, median(hits), median(warm), median(warmPlain), warmRatio))
} else {
    print("| image build (Docker runner, real registry, \(runs) runs) | median | goal |")
    print("|---|---|---|")
    print(String(format: "| cold `build` (stage 1 + stage 2 + push) | %.2f s | |", median(cold)))
    print(String(format: "| plain `go build` in the same ccenv image | %.2f s | |", median(plain)))
    print(String(format: "| cold-build overhead (ratio) | %.2f | <= 1.2 |", ratio))
    print(String(format: "| cache-hit `build` | %.3f s | <= 1 s |", median(hits)))
    print(String(format: "| next version, warm cache volume: `build` | %.2f s | |", median(warm)))
    print(String(format: "| next version, warm cache volume: plain `go build` | %.2f s | |", median(warmPlain)))
    print(String(format: "| warm-rebuild overhead (ratio) | %.2f | <= 1.5 |", warmRatio))
}
