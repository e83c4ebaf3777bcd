import CArchive
import Foundation
import K8sVMCore
#if canImport(Glibc)
import Glibc
#endif

/// Writes a reproducible gzip-compressed tar archive in memory: members in the order given, each with a fixed
/// time (the epoch), owner root:root, no user or group names, and mode 0644 or 0755; the gzip header has no time.
/// The same members always give the same bytes.
public final class ArchiveWriter {
    private let handle: OpaquePointer
    private let output = OutputBuffer()

    public init() throws {
        handle = archive_write_new()
        archive_write_add_filter_gzip(handle)
        archive_write_set_format_pax_restricted(handle)
        guard archive_write_set_filter_option(handle, "gzip", "timestamp", nil) == ARCHIVE_OK else {
            throw K8sVMError("libarchive cannot write gzip without a timestamp: \(Self.message(handle))")
        }
        let context = Unmanaged.passUnretained(output).toOpaque()
        let status = archive_write_open2(handle, context, nil, { _, context, bytes, length in
            let buffer = Unmanaged<OutputBuffer>.fromOpaque(context!).takeUnretainedValue()
            buffer.data.append(bytes!.assumingMemoryBound(to: UInt8.self), count: length)
            return length
        }, nil, nil)
        guard status == ARCHIVE_OK else { throw K8sVMError("cannot start an archive: \(Self.message(handle))") }
    }

    deinit {
        archive_write_free(handle)
    }

    private static func message(_ handle: OpaquePointer) -> String {
        archive_error_string(handle).map { String(cString: $0) } ?? "unknown libarchive error"
    }

    /// Adds a regular file.
    public func addFile(path: String, contents: Data, executable: Bool = false) throws {
        let entry = archive_entry_new()
        defer { archive_entry_free(entry) }
        archive_entry_set_pathname(entry, path)
        archive_entry_set_filetype(entry, UInt32(Glibc.S_IFREG))
        archive_entry_set_perm(entry, executable ? 0o755 : 0o644)
        archive_entry_set_size(entry, Int64(contents.count))
        archive_entry_set_mtime(entry, 0, 0)
        archive_entry_set_uid(entry, 0)
        archive_entry_set_gid(entry, 0)
        guard archive_write_header(handle, entry) == ARCHIVE_OK else {
            throw K8sVMError("cannot add \(path) to the archive: \(Self.message(handle))")
        }
        let written = contents.withUnsafeBytes { archive_write_data(handle, $0.baseAddress, $0.count) }
        guard written == contents.count else {
            throw K8sVMError("cannot add \(path) to the archive: \(Self.message(handle))")
        }
    }

    /// Finishes the archive and returns its bytes.
    public func finish() throws -> Data {
        guard archive_write_close(handle) == ARCHIVE_OK else {
            throw K8sVMError("cannot finish the archive: \(Self.message(handle))")
        }
        return output.data
    }
}

private final class OutputBuffer {
    var data = Data()
}
