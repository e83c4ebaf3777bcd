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
        collect(stdoutPipe) { self.stdoutData = $0 }
        collect(stderrPipe) { self.stderrData = $0 }
    }

    private func collect(_ pipe: Pipe, _ store: @escaping @Sendable (Data) -> Void) {
        readers.enter()
        Thread.detachNewThread {
            store(pipe.fileHandleForReading.readDataToEndOfFile())
            self.readers.leave()
        }
    }

    var pid: Int32 { process.processIdentifier }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

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
        return TestProcessResult(status: status, stdout: String(decoding: stdoutData, as: UTF8.self),
                                 stderr: String(decoding: stderrData, as: UTF8.self))
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
