import Foundation
import K8sVMCore
import Testing

/// Releasing launch pages: read-only file pages leave the resident set and read back the same; pages the process
/// changed itself stay as they are.
@Suite struct LaunchCodePagesTests {
    static let pages = 16
    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    @Test func readOnlyFilePagesLeaveTheResidentSetAndReadBackTheSame() throws {
        try withMappedFile(protection: PROT_READ) { bytes in
            let sum = (0..<Self.pages).reduce(0) { $0 + Int(bytes[$1 * Self.pageSize + 7]) }
            let before = try residentPages(bytes)
            #expect(before == Self.pages)

            LaunchCodePages.release()

            let after = try residentPages(bytes)
            #expect(after == 0)
            #expect((0..<Self.pages).reduce(0) { $0 + Int(bytes[$1 * Self.pageSize + 7]) } == sum)
        }
    }

    @Test func procFilesAreReadToTheirEnd() throws {
        // This process's map is longer than the one page a single read gives; its last lines (the stack and the
        // kernel's pages) do not change between two reads.
        let maps = try #require(ProcFile.read("/proc/self/maps"))
        let reference = try #require(try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/self/maps")).readToEnd())
        #expect(maps.utf8.count > 4096)
        #expect(maps.split(separator: "\n").last == String(decoding: reference, as: UTF8.self).split(separator: "\n").last)
    }

    @Test func pagesTheProcessChangedSurviveARelease() throws {
        // One page changed before the mapping was made read-only, as the dynamic loader leaves relocated constants:
        // that page is the process's own copy and must keep the change.
        try withMappedFile(protection: PROT_READ | PROT_WRITE) { bytes in
            bytes[Self.pageSize] = 0x5A
            try #require(mprotect(bytes, Self.pages * Self.pageSize, PROT_READ) == 0)

            LaunchCodePages.release()

            #expect(bytes[Self.pageSize] == 0x5A, "the changed page lost its change")
            #expect(bytes[0] == 0x41 && bytes[2 * Self.pageSize] == 0x41)
        }
    }

    /// Maps a fresh file of ``pages`` pages of 0x41 privately, as the loader maps a binary.
    private func withMappedFile(protection: Int32, _ body: (UnsafeMutablePointer<UInt8>) throws -> Void) throws {
        let path = NSTemporaryDirectory() + "k8svm-launch-pages-\(UUID().uuidString)"
        try Data(repeating: 0x41, count: Self.pages * Self.pageSize).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        let descriptor = open(path, O_RDONLY)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        let mapped = mmap(nil, Self.pages * Self.pageSize, protection, MAP_PRIVATE, descriptor, 0)
        let base = try #require(mapped == MAP_FAILED ? nil : mapped)
        defer { munmap(base, Self.pages * Self.pageSize) }
        try body(base.assumingMemoryBound(to: UInt8.self))
    }

    /// How many pages of the mapping at `bytes` are mapped into this process (`/proc/self/pagemap`, bit 63).
    private func residentPages(_ bytes: UnsafeMutablePointer<UInt8>) throws -> Int {
        let pagemap = open("/proc/self/pagemap", O_RDONLY)
        try #require(pagemap >= 0)
        defer { close(pagemap) }
        var entries = [UInt64](repeating: 0, count: Self.pages)
        let offset = off_t(UInt(bitPattern: bytes) / UInt(Self.pageSize) * 8)
        let read = entries.withUnsafeMutableBytes { pread(pagemap, $0.baseAddress, $0.count, offset) }
        try #require(read == Self.pages * 8)
        return entries.filter { $0 & (1 << 63) != 0 }.count
    }
}
