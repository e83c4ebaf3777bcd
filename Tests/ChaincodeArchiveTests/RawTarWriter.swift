import CArchive
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes tar archives with any member a hostile package could hold (links, devices, odd paths), through libarchive.
final class RawTarWriter {
    private let handle: OpaquePointer = archive_write_new()
    private let path: String

    init(path: String) {
        self.path = path
        archive_write_set_format_pax_restricted(handle)
        archive_write_open_filename(handle, path)
    }

    deinit { archive_write_free(handle) }

    enum Member {
        case file(String, String)
        case directory(String)
        case symlink(String, target: String)
        case hardlink(String, target: String)
        case characterDevice(String)
        case fifo(String)
    }

    func add(_ member: Member) {
        let entry = archive_entry_new()
        defer { archive_entry_free(entry) }
        var data = Data()
        switch member {
        case .file(let name, let contents):
            archive_entry_set_pathname(entry, name)
            archive_entry_set_filetype(entry, UInt32(Glibc.S_IFREG))
            data = Data(contents.utf8)
        case .directory(let name):
            archive_entry_set_pathname(entry, name)
            archive_entry_set_filetype(entry, UInt32(Glibc.S_IFDIR))
        case .symlink(let name, let target):
            archive_entry_set_pathname(entry, name)
            archive_entry_set_filetype(entry, UInt32(Glibc.S_IFLNK))
            archive_entry_set_symlink(entry, target)
        case .hardlink(let name, let target):
            archive_entry_set_pathname(entry, name)
            archive_entry_set_filetype(entry, UInt32(Glibc.S_IFREG))
            archive_entry_set_hardlink(entry, target)
        case .characterDevice(let name):
            archive_entry_set_pathname(entry, name)
            archive_entry_set_filetype(entry, UInt32(Glibc.S_IFCHR))
            archive_entry_set_rdevmajor(entry, 1)
            archive_entry_set_rdevminor(entry, 3)
        case .fifo(let name):
            archive_entry_set_pathname(entry, name)
            archive_entry_set_filetype(entry, UInt32(Glibc.S_IFIFO))
        }
        archive_entry_set_perm(entry, 0o644)
        archive_entry_set_size(entry, Int64(data.count))
        archive_write_header(handle, entry)
        if !data.isEmpty { _ = data.withUnsafeBytes { archive_write_data(handle, $0.baseAddress, $0.count) } }
    }

    func close() { archive_write_close(handle) }
}
