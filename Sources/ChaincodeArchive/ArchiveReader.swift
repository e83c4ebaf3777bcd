import CArchive
import Foundation
import K8sVMCore
#if canImport(Glibc)
import Glibc
#endif

/// Reads a tar archive, compressed or not, member by member through libarchive.
public final class ArchiveReader {
    private let handle: OpaquePointer
    private let name: String
    /// Keeps in-memory input alive while libarchive reads it.
    private let buffer: UnsafeMutableRawBufferPointer?

    /// Opens the archive file at `path`.
    public init(path: String) throws {
        handle = archive_read_new()
        name = path
        buffer = nil
        Self.enableFormats(handle)
        if archive_read_open_filename(handle, path, 64 * 1024) != ARCHIVE_OK {
            // deinit frees the handle: every stored property is set, so a throwing init still runs it.
            throw K8sVMError("cannot read \(path): \(Self.message(handle))")
        }
    }

    /// Reads an archive held in memory; `name` is used in errors.
    public init(data: Data, name: String) throws {
        handle = archive_read_new()
        self.name = name
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(data.count, 1), alignment: 1)
        data.copyBytes(to: copy)
        buffer = copy
        Self.enableFormats(handle)
        if archive_read_open_memory(handle, copy.baseAddress, data.count) != ARCHIVE_OK {
            throw K8sVMError("cannot read \(name): \(Self.message(handle))")
        }
    }

    deinit {
        archive_read_free(handle)
        buffer?.deallocate()
    }

    private static func enableFormats(_ handle: OpaquePointer) {
        archive_read_support_filter_gzip(handle)
        archive_read_support_filter_none(handle)
        archive_read_support_format_tar(handle)
        archive_read_support_format_gnutar(handle)
    }

    private static func message(_ handle: OpaquePointer) -> String {
        archive_error_string(handle).map { String(cString: $0) } ?? "unknown libarchive error"
    }

    /// The next member's header, or nil at the end of the archive.
    public func next() throws -> ArchiveEntry? {
        var entry: OpaquePointer?
        let status = archive_read_next_header(handle, &entry)
        if status == ARCHIVE_EOF { return nil }
        guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else {
            throw K8sVMError("\(name) is not a valid tar archive: \(Self.message(handle))")
        }
        let path = archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
        let kind: ArchiveEntry.Kind
        if archive_entry_hardlink(entry) != nil {
            kind = .hardLink
        } else {
            switch archive_entry_filetype(entry) {
            case UInt32(Glibc.S_IFREG): kind = .regular
            case UInt32(Glibc.S_IFDIR): kind = .directory
            case UInt32(Glibc.S_IFLNK): kind = .symbolicLink
            default: kind = .other
            }
        }
        let target: String? = switch kind {
        case .hardLink: archive_entry_hardlink(entry).map { String(cString: $0) }
        case .symbolicLink: archive_entry_symlink(entry).map { String(cString: $0) }
        default: nil
        }
        return ArchiveEntry(path: path, kind: kind, size: archive_entry_size(entry),
                            mode: UInt32(archive_entry_perm(entry)), linkTarget: target)
    }

    /// Reads the current member's data in chunks, stopping with an error once more than `limit` bytes came.
    public func readData(limit: Int64, into sink: (UnsafeRawBufferPointer) throws -> Void) throws -> Int64 {
        var total: Int64 = 0
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 1)
        defer { chunk.deallocate() }
        while true {
            let count = archive_read_data(handle, chunk.baseAddress, chunk.count)
            if count == 0 { return total }
            guard count > 0 else { throw K8sVMError("\(name): damaged data: \(Self.message(handle))") }
            total += Int64(count)
            if total > limit { throw SizeLimitExceeded() }
            try sink(UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
        }
    }

    /// The current member's whole data, at most `limit` bytes.
    public func readData(limit: Int64) throws -> Data {
        var data = Data()
        _ = try readData(limit: limit) { data.append(contentsOf: $0) }
        return data
    }

    /// Thrown by `readData` when a member is larger than allowed.
    public struct SizeLimitExceeded: Error {}
}
