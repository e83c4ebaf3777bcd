import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Copies directory trees that came from a package, refusing anything that is not a plain file or directory.
public enum FileTree {
    /// Copies every regular file and directory under `source` to `destination`; a symbolic link, device or other
    /// special file is an error naming it (a package must not smuggle in a link to a host file).
    public static func copyRegularFiles(from source: String, to destination: String) throws {
        try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: source).sorted() {
            let from = source + "/" + name, to = destination + "/" + name
            switch try kind(of: from) {
            case .directory: try copyRegularFiles(from: from, to: to)
            case .regular: try copyFile(from: from, to: to)
            case .other(let what): throw K8sVMError("\(from) is \(what); packages may hold only regular files and directories")
            }
        }
    }

    public enum Kind: Equatable { case regular, directory, other(String) }

    /// The kind of `path` itself (links are not followed).
    public static func kind(of path: String) throws -> Kind {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            throw K8sVMError("\(path): \(String(cString: strerror(errno)))")
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFLNK: return .other("a symbolic link")
        default: return .other("a special file")
        }
    }

    /// `root/relative`, after checking that following every link in it still ends inside `root`.
    public static func pathInside(root: String, relative: String) throws -> String {
        let joined = root + "/" + relative
        guard let resolvedRoot = resolved(root) else {
            throw K8sVMError("\(root): \(String(cString: strerror(errno)))")
        }
        guard let resolved = resolved(joined) else {
            return joined
        }
        guard resolved == resolvedRoot || resolved.hasPrefix(resolvedRoot + "/") else {
            throw K8sVMError("\(relative) leads outside the package (to \(resolved))")
        }
        return joined
    }

    /// `realpath(3)`: the path with every link followed, or nil when it does not exist.
    public static func resolved(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    /// Copies one regular file, keeping its permission bits.
    public static func copyFile(from source: String, to destination: String) throws {
        do {
            try FileManager.default.copyItem(atPath: source, toPath: destination)
        } catch {
            throw K8sVMError("cannot copy \(source) to \(destination): \(error.localizedDescription)", cause: error)
        }
    }
}
