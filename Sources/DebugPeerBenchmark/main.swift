import ChaincodeShim
import DebugPeer
import Foundation
import NIOCore
import NIOPosix

// Measures get+put invoke round trips through the debug peer's gRPC stream and
// the Swift shim (in-process chaincode, real loopback gRPC), then prints
// latency percentiles and throughput.
// With --launch=PATH it also times launching a built chaincode binary (plaintext,
// Go-shim environment) until the peer has sent READY.
//   swift run -c release DebugPeerBenchmark [invokes] [concurrency] [--tls] [--noop] [--nio-executor] [--launch=PATH]

// `--nio-executor`: run Swift Concurrency on NIO's event loops (no thread hops between them).
let nioExecutor = CommandLine.arguments.contains("--nio-executor")
    && NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()

/// Reads one key and writes it back incremented: the benchmark's transaction.
struct Counter: Chaincode {
    func invoke(_ stub: ChaincodeStub) async throws -> ChaincodeResponse {
        let key = stub.parameters.first ?? "counter"
        if key == "noop" { return .success() }
        let current = try await stub.getState(key).flatMap { Int(String(decoding: $0, as: UTF8.self)) } ?? 0
        try await stub.putState(key, String(current + 1))
        return .success()
    }
}

let arguments = CommandLine.arguments.dropFirst().filter { !$0.hasPrefix("--") }
let invokes = arguments.first.flatMap(Int.init) ?? 20_000
let concurrency = arguments.dropFirst().first.flatMap(Int.init) ?? 1
let tls = CommandLine.arguments.contains("--tls")
// `--noop`: the transaction does no state access (one TRANSACTION/COMPLETED round trip instead of three).
let noop = CommandLine.arguments.contains("--noop")

let peer = try DebugPeer(configuration: DebugPeerConfiguration(port: 0, tlsEnabled: tls))
try await peer.start()
let launch = try peer.launchConfiguration(chaincodeID: "counter:1.0")
let parts = launch.peerAddress.split(separator: ":")
let configuration = ShimConfiguration(chaincodeID: "counter:1.0", peerHost: String(parts[0]), peerPort: Int(parts[1])!, tls: launch.tls)
let registrationStart = ContinuousClock.now
let chaincode = Task { try await ChaincodeServer.run(Counter(), configuration: configuration) }
await peer.waitForRegistration(of: "counter:1.0")
let registration = ContinuousClock.now - registrationStart

for index in 0..<500 { _ = try await peer.invoke(chaincode: "counter", "warm\(index % 10)") }

let perWorker = invokes / concurrency
let start = ContinuousClock.now
let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
    for worker in 0..<concurrency {
        group.addTask {
            var samples: [Duration] = []
            samples.reserveCapacity(perWorker)
            for _ in 0..<perWorker {
                let begin = ContinuousClock.now
                let response = try await peer.invoke(chaincode: "counter", noop ? "noop" : "key\(worker)")
                samples.append(ContinuousClock.now - begin)
                precondition(response.status == 200, response.message)
            }
            return samples
        }
    }
    var all: [Duration] = []
    for try await samples in group { all += samples }
    return all.sorted()
}
let elapsed = ContinuousClock.now - start

func microseconds(_ duration: Duration) -> String {
    String(format: "%.1f µs", Double(duration.components.attoseconds) / 1e12 + Double(duration.components.seconds) * 1e6)
}
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print("registration (in-process shim → READY): \(microseconds(registration))")
print("\(noop ? "no-op" : "get+put") invokes: \(latencies.count), concurrency \(concurrency), TLS \(tls), NIO executor \(nioExecutor)")
print("throughput: \(Int(Double(latencies.count) / seconds)) invokes/s")
print("latency p50 \(microseconds(latencies[latencies.count / 2])), p99 \(microseconds(latencies[latencies.count * 99 / 100])), max \(microseconds(latencies.last!))")

if let path = CommandLine.arguments.first(where: { $0.hasPrefix("--launch=") })?.dropFirst("--launch=".count) {
    var samples: [Duration] = []
    for round in 0..<10 {
        let id = "launched\(round):1.0"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: String(path))
        process.arguments = ["-peer.address=\(peer.address!)"]
        process.environment = ["CORE_CHAINCODE_ID_NAME": id, "CORE_PEER_TLS_ENABLED": "false"]
        let begin = ContinuousClock.now
        try process.run()
        await peer.waitForRegistration(of: id)
        samples.append(ContinuousClock.now - begin)
        process.terminate()
        process.waitUntilExit()
    }
    samples.sort()
    print("launch → READY for \(path): p50 \(microseconds(samples[samples.count / 2])), max \(microseconds(samples.last!))")
}

chaincode.cancel()
_ = await chaincode.result
await peer.stop()
