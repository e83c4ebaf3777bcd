import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real child process started by a test, with its output captured.
final class TestProcess: @unchecked Sendable {
    let process = Process()
    private let stdoutPipe = Pipe()
    private let stderrPipe = Pipe()
    private var stdoutData = Data()
    private var stderrData = Data()
    private let readers = DispatchGroup()
    private let exited = DispatchGroup()

    init(_ executable: String, _ arguments: [String], environment: [String: String], workingDirectory: String? = nil) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        process.standardInput = FileHandle.nullDevice
        exited.enter()
        // terminationHandler, not waitUntilExit(): the latter spins a run loop at full CPU while it waits.
        process.terminationHandler = { [exited] _ in exited.leave() }
        try process.run()
        collect(stdoutPipe) { self.stdoutData.append($0) }
        collect(stderrPipe) { self.stderrData.append($0) }
    }

    private let lock = NSLock()

    /// Reads a pipe as output arrives, so a test can watch a long-running process.
    private func collect(_ pipe: Pipe, _ append: @escaping @Sendable (Data) -> Void) {
        readers.enter()
        Thread.detachNewThread {
            let handle = pipe.fileHandleForReading
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                self.lock.lock()
                append(chunk)
                self.lock.unlock()
            }
            self.readers.leave()
        }
    }

    /// The standard error written so far.
    var stderrSoFar: String {
        lock.withLock { String(decoding: stderrData, as: UTF8.self) }
    }

    /// Waits (bounded) until stderr has a line containing `text`, and returns that line.
    func waitForStderrLine(containing text: String, timeout: Duration = .seconds(60)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = stderrSoFar.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure("no stderr line containing \"\(text)\"; stderr so far:\n\(stderrSoFar)")
    }

    var pid: Int32 { process.processIdentifier }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// SIGKILL, unless the process has already exited: for a `defer` right after the start, so that a test that
    /// throws before it ends the process leaves nothing running.
    func killIfRunning() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Waits for the process to exit (and its output to close) and returns what a user saw.
    func finish() async -> TestProcessResult {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                self.exited.wait()
                self.readers.wait()
                continuation.resume()
            }
        }
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return lock.withLock {
            TestProcessResult(status: status, stdout: String(decoding: stdoutData, as: UTF8.self),
                              stderr: String(decoding: stderrData, as: UTF8.self))
        }
    }

    /// Runs a command to completion.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String],
                    workingDirectory: String? = nil) async throws -> TestProcessResult {
        try await TestProcess(executable, arguments, environment: environment, workingDirectory: workingDirectory).finish()
    }
}

/// How a test process ended and what it printed.
struct TestProcessResult: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String
    var description: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }

    /// The stderr lines that k8svm itself wrote.
    var k8svmLines: [String] { stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix("k8svm") } }
}
