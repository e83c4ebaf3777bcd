/// An error K8sVM reports to an operator: one line that names the problem.
///
/// Every failure that reaches a user (the peer's log, a terminal) is one of these, so the message is
/// written for a person and names the offending key, file, entry or value.
public struct K8sVMError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong, in one line.
    public let message: String
    /// The process exit code a command should end with when this error stops it.
    public let exitCode: Int32

    public init(_ message: String, exitCode: Int32 = 1) {
        self.message = message
        self.exitCode = exitCode
    }

    public var description: String { message }

    /// Wrong command-line usage (missing or extra arguments); exits 2 like most Unix tools.
    public static func usage(_ message: String) -> K8sVMError {
        K8sVMError(message, exitCode: 2)
    }
}
