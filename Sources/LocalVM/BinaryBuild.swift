import Foundation
import K8sVMCore
#if canImport(Glibc)
import Glibc
#endif

/// `build` for a `binary` package: the prebuilt executable is copied into the build directory.
public struct BinaryBuild {
    let request: BuildRequest

    /// The executable's name inside the build directory.
    static let outputName = "chaincode"

    func run() throws -> ExecutableBuild {
        let (relative, source) = try Self.executable(of: request)
        guard access(source, X_OK) == 0 else {
            throw K8sVMError("\(relative) is not executable (set its execute permission before packaging)")
        }
        try FileTree.copyFile(from: source, to: request.buildDirectory + "/" + Self.outputName)
        return ExecutableBuild(executable: Self.outputName,
                               arguments: request.metadata.arguments ?? ShimEnvironment.goStartArguments)
    }

    /// A binary package's executable (`chaincode` at the root, or metadata.json `executable`): its path as named and
    /// its location, after checking it is a regular file inside the package (no link leading out).
    public static func executable(of request: BuildRequest) throws -> (relative: String, path: String) {
        let relative = request.metadata.executable ?? "chaincode"
        let source = try FileTree.pathInside(root: request.sourceDirectory, relative: relative)
        guard FileManager.default.fileExists(atPath: source) else {
            throw K8sVMError("binary package has no executable \"\(relative)\" at its root (name it in metadata.json \"executable\")")
        }
        guard try FileTree.kind(of: source) == .regular else {
            throw K8sVMError("\(relative) is not a regular file (links and special files are refused)")
        }
        return (relative, source)
    }
}
