import Foundation
import K8sVMCore
#if canImport(Glibc)
import Glibc
#endif

/// Extracts a tar archive into a new directory, refusing anything that could reach outside it.
///
/// Refused, with an error naming the member: absolute paths, `..`, symbolic links whose target leaves the
/// directory, members written through a symbolic link, hard links to anything but an earlier file, devices, FIFOs and
/// sockets, and archives beyond the limits. On any error the directory is removed again.
public struct SafeExtractor {
    public var limits: ExtractionLimits

    public init(limits: ExtractionLimits = ExtractionLimits()) {
        self.limits = limits
    }

    /// Extracts `reader`'s members into `destination`, which must not exist yet.
    public func extract(_ reader: ArchiveReader, into destination: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o755])
        } catch {
            throw K8sVMError("cannot create \(destination): \(error.localizedDescription)", cause: error)
        }
        do {
            try extractMembers(reader, into: destination)
        } catch {
            try? FileManager.default.removeItem(atPath: destination)
            throw error
        }
    }

    private func extractMembers(_ reader: ArchiveReader, into root: String) throws {
        var count = 0
        var totalBytes: Int64 = 0
        var links = Set<String>()
        var files = Set<String>()
        while let entry = try reader.next() {
            count += 1
            guard count <= limits.maxEntries else {
                throw K8sVMError("archive member \"\(entry.path)\": more than \(limits.maxEntries) members")
            }
            guard let path = Self.normalized(entry.path) else {
                throw K8sVMError("archive member \"\(entry.path)\": \(Self.reason(entry.path))")
            }
            if let through = Self.ancestors(of: path).first(where: links.contains) {
                throw K8sVMError("archive member \"\(entry.path)\": lies under the symbolic link \"\(through)\"")
            }
            let target = root + "/" + path
            try Self.createParents(of: path, root: root)
            switch entry.kind {
            case .directory:
                if mkdir(target, 0o755) != 0, errno != EEXIST { throw Self.failure(entry, "cannot create directory") }
            case .regular:
                let remaining = limits.maxTotalBytes - totalBytes
                guard entry.size <= remaining else {
                    throw K8sVMError("archive member \"\(entry.path)\": the archive holds more than \(limits.maxTotalBytes) bytes")
                }
                totalBytes += try Self.writeFile(entry, from: reader, to: target, limit: remaining, total: limits.maxTotalBytes)
                files.insert(path)
            case .symbolicLink:
                let linkTarget = entry.linkTarget ?? ""
                guard !linkTarget.hasPrefix("/"),
                      Self.normalized((Self.parent(of: path).map { $0 + "/" } ?? "") + linkTarget, allowRoot: true) != nil
                else {
                    throw K8sVMError("archive member \"\(entry.path)\": symbolic link to \"\(linkTarget)\" points outside the package")
                }
                guard symlink(linkTarget, target) == 0 else { throw Self.failure(entry, "cannot create link") }
                links.insert(path)
            case .hardLink:
                guard let linked = Self.normalized(entry.linkTarget ?? ""), files.contains(linked) else {
                    throw K8sVMError("archive member \"\(entry.path)\": hard link to \"\(entry.linkTarget ?? "")\", which is not an earlier file of the package")
                }
                guard link(root + "/" + linked, target) == 0 else { throw Self.failure(entry, "cannot create hard link") }
                files.insert(path)
            case .other:
                throw K8sVMError("archive member \"\(entry.path)\": device, FIFO or socket files are not allowed in a package")
            }
        }
    }

    private static func writeFile(_ entry: ArchiveEntry, from reader: ArchiveReader, to target: String,
                                  limit: Int64, total: Int64) throws -> Int64 {
        let mode: mode_t = (entry.mode & 0o111) != 0 ? 0o755 : 0o644
        let fd = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw failure(entry, "cannot create file") }
        defer { close(fd) }
        do {
            return try reader.readData(limit: limit) { chunk in
                var offset = 0
                while offset < chunk.count {
                    let written = write(fd, chunk.baseAddress! + offset, chunk.count - offset)
                    guard written > 0 else { throw failure(entry, "cannot write") }
                    offset += written
                }
            }
        } catch is ArchiveReader.SizeLimitExceeded {
            throw K8sVMError("archive member \"\(entry.path)\": the archive holds more than \(total) bytes")
        }
    }

    private static func failure(_ entry: ArchiveEntry, _ what: String) -> K8sVMError {
        K8sVMError("archive member \"\(entry.path)\": \(what): \(String(cString: strerror(errno)))")
    }

    /// `a/./b//c/` → `a/b/c`; nil for absolute paths, `..` components, NUL bytes or an empty path.
    static func normalized(_ path: String, allowRoot: Bool = false) -> String? {
        guard !path.hasPrefix("/"), !path.utf8.contains(0) else { return nil }
        var components: [Substring] = []
        for component in path.split(separator: "/") where component != "." {
            if component == ".." {
                guard allowRoot, !components.isEmpty else { return nil }
                components.removeLast()
            } else {
                components.append(component)
            }
        }
        if components.isEmpty { return allowRoot ? "" : nil }
        return components.joined(separator: "/")
    }

    private static func reason(_ path: String) -> String {
        if path.hasPrefix("/") { return "absolute paths are not allowed" }
        if path.split(separator: "/").contains("..") { return "\"..\" would leave the package directory" }
        return "not a usable path"
    }

    static func parent(of path: String) -> String? {
        path.lastIndex(of: "/").map { String(path[..<$0]) }
    }

    static func ancestors(of path: String) -> [String] {
        var result: [String] = []
        var current = path
        while let parent = parent(of: current) {
            result.append(parent)
            current = parent
        }
        return result
    }

    private static func createParents(of path: String, root: String) throws {
        for ancestor in ancestors(of: path).reversed() {
            let directory = root + "/" + ancestor
            if mkdir(directory, 0o755) != 0, errno != EEXIST {
                throw K8sVMError("archive member \"\(path)\": cannot create \(ancestor): \(String(cString: strerror(errno)))")
            }
        }
    }
}
