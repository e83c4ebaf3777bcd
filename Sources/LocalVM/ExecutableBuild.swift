import K8sVMCore

/// The build record of the process backends (local and sandbox): an executable and its start arguments.
public struct ExecutableBuild: Codable, Sendable, Equatable {
    /// The executable, relative to the build directory, or absolute.
    public var executable: String
    /// The start arguments; `${VAR}` names one of the shim's variables (`${CORE_PEER_ADDRESS}`).
    public var arguments: [String]

    public init(executable: String, arguments: [String] = ShimEnvironment.goStartArguments) {
        self.executable = executable
        self.arguments = arguments
    }

    /// The executable's path, for a build in `buildDirectory`.
    public func executablePath(inBuildDirectory buildDirectory: String) -> String {
        executable.hasPrefix("/") ? executable : buildDirectory + "/" + executable
    }
}
