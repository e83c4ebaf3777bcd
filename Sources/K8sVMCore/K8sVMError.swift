/// An error K8sVM reports to an operator: one line that names the problem, with the error beneath it kept.
///
/// Every failure that reaches a user (the peer's log, a terminal) is one of these, so the message is
/// written for a person and names the offending key, file, entry or value.
public struct K8sVMError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong, in one line.
    public let message: String
    /// The process exit code a command should end with when this error stops it.
    public let exitCode: Int32
    /// The lower-level error this one explains (a transport's, the system's), for code that tells causes apart.
    public let cause: (any Error)?

    public init(_ message: String, exitCode: Int32 = 1, cause: (any Error)? = nil) {
        self.message = message
        self.exitCode = exitCode
        self.cause = cause
    }

    public var description: String { message }

    /// Two errors are the same report when they say the same and end a command the same way.
    public static func == (lhs: K8sVMError, rhs: K8sVMError) -> Bool {
        lhs.message == rhs.message && lhs.exitCode == rhs.exitCode
    }

    /// Wrong command-line usage (missing or extra arguments); exits 2 like most Unix tools.
    public static func usage(_ message: String) -> K8sVMError {
        K8sVMError(message, exitCode: 2)
    }
}
