import Foundation

/// Runs `/bin/sh -c script` and returns its standard output; a non-zero exit fails with the standard error.
/// The tests check the registry with the tools a user has (curl, sha256sum, gzip), not only with the client under test.
func shell(_ script: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", script]
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw ShellError(script: script, status: process.terminationStatus, stderr: String(decoding: errorData, as: UTF8.self))
    }
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

struct ShellError: Error, CustomStringConvertible {
    let script: String
    let status: Int32
    let stderr: String

    var description: String { "`\(script)` exited with \(status): \(stderr)" }
}
