import Foundation
import K8sVMCore
#if canImport(Glibc)
import Glibc
#endif

/// The files of a chaincode directory to be packaged, in a stable order.
enum SourceTree {
    /// One file to package.
    struct File {
        var path: String
        var absolutePath: String
        var executable: Bool
        func contents() throws -> Data {
            guard let data = FileManager.default.contents(atPath: absolutePath) else {
                throw K8sVMError("cannot read \(absolutePath)")
            }
            return data
        }
    }

    /// Directory names never packaged: version control and build output.
    static let skipped: Set<String> = [".git", ".build", ".swiftpm"]

    /// Every regular file under `root`, sorted by path; links and special files are errors naming them.
    static func files(in root: String) throws -> [File] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw K8sVMError("\(root) is not a directory")
        }
        var result: [File] = []
        try collect(root: root, relative: "", into: &result)
        return result.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    private static func collect(root: String, relative: String, into result: inout [File]) throws {
        let directory = relative.isEmpty ? root : root + "/" + relative
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) where !skipped.contains(name) {
            let path = relative.isEmpty ? name : relative + "/" + name
            let absolute = root + "/" + path
            var info = stat()
            guard lstat(absolute, &info) == 0 else { throw K8sVMError("\(absolute): \(String(cString: strerror(errno)))") }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: try collect(root: root, relative: path, into: &result)
            case S_IFREG: result.append(File(path: path, absolutePath: absolute, executable: info.st_mode & 0o111 != 0))
            case S_IFLNK: throw K8sVMError("\(absolute) is a symbolic link; copy the file it points to into the package instead")
            default: throw K8sVMError("\(absolute) is a special file and cannot be packaged")
            }
        }
    }
}
