import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real child process started by a test, its output captured as it arrives.
final class TestProcess: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var stdoutData = Data()
    private var stderrData = Data()
    private let done = DispatchGroup()

    init(_ executable: String, _ arguments: [String], environment: [String: String]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        done.enter()
        process.terminationHandler = { [done] _ in done.leave() }
        try process.run()
        collect(out) { self.stdoutData.append($0) }
        collect(err) { self.stderrData.append($0) }
    }

    private func collect(_ pipe: Pipe, _ append: @escaping @Sendable (Data) -> Void) {
        done.enter()
        Thread.detachNewThread { [self] in
            while true {
                let chunk = pipe.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                lock.withLock { append(chunk) }
            }
            done.leave()
        }
    }

    var stderrSoFar: String { lock.withLock { String(decoding: stderrData, as: UTF8.self) } }

    /// Waits (bounded) for a stderr line containing `text` and returns it.
    func line(containing text: String, timeout: Duration = .seconds(60)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = stderrSoFar.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure("no stderr line containing \"\(text)\"; stderr so far:\n\(stderrSoFar.suffix(4000))")
    }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for the exit (bounded; a process still running then is killed) and returns what a user saw.
    func finish(timeout: Duration = .seconds(120)) async -> TestResult {
        let group = done
        let ended = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            Thread.detachNewThread {
                continuation.resume(returning: group.wait(timeout: .now() + .nanoseconds(Int(timeout.components.seconds) * 1_000_000_000)) == .success)
            }
        }
        if !ended {
            kill(process.processIdentifier, SIGKILL)
            done.wait()
        }
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return lock.withLock {
            TestResult(status: status, stdout: String(decoding: stdoutData, as: UTF8.self),
                       stderr: String(decoding: stderrData, as: UTF8.self))
        }
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String]) async throws -> TestResult {
        try await TestProcess(executable, arguments, environment: environment).finish()
    }
}

/// How a test process ended and what it printed.
struct TestResult: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String
    var description: String { "exit \(status)\nstdout: \(stdout.suffix(2000))\nstderr: \(stderr.suffix(4000))" }

    /// The hostile chaincode's report lines, without the "RESULT " prefix.
    var results: [String] {
        stderr.split(separator: "\n").filter { $0.hasPrefix("RESULT ") }.map { String($0.dropFirst(7)) }
    }
}
