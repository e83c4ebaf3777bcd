#if canImport(Glibc)
import Glibc
#endif

/// The code and constant pages a launcher touched while it started its chaincode, which it then holds for nothing.
///
/// `run` lives as long as its chaincode, for days. Its launch (configuration, TLS, the first API requests) runs code it
/// never runs again, and the kernel maps file pages up to 64 KiB around each first use and leaves them mapped: most of
/// a waiting `run`'s resident memory would be launch code. Releasing those pages once the chaincode runs leaves in the
/// resident set only what the wait itself uses; a page needed again is mapped back from the page cache (a minor
/// fault, no I/O). The page cache keeps the binary for every other process either way.
public enum LaunchCodePages {
    /// Unmaps, from this process, the resident pages of its read-only file mappings (the code and constants of the
    /// binary and its libraries) that are plain copies of the file. Pages of those mappings that the process changed
    /// (relocated constants, a debugger's breakpoints) are private copies and stay; writable mappings are never
    /// touched. Does nothing where `/proc/self/pagemap` cannot be read.
    public static func release() {
        guard let maps = ProcFile.read("/proc/self/maps") else { return }
        let pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC)
        guard pagemap >= 0 else { return }
        defer { close(pagemap) }
        for line in maps.split(separator: "\n") {
            guard let mapping = ReadOnlyFileMapping(line) else { continue }
            for run in mapping.fileCopyRuns(pagemap: pagemap) {
                _ = madvise(UnsafeMutableRawPointer(bitPattern: run.lowerBound), run.count, MADV_DONTNEED)
            }
        }
    }
}

/// One line of `/proc/self/maps` that maps a file read-only (`r--p` or `r-xp`).
private struct ReadOnlyFileMapping {
    static let pageSize = UInt(sysconf(Int32(_SC_PAGESIZE)))

    let start: UInt
    let end: UInt

    init?(_ line: Substring) {
        // start-end perms offset dev inode path
        let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
        guard fields.count == 6, fields[1] == "r--p" || fields[1] == "r-xp",
              fields[5].drop(while: { $0 == " " }).hasPrefix("/") else { return nil }
        let bounds = fields[0].split(separator: "-")
        guard bounds.count == 2, let start = UInt(bounds[0], radix: 16), let end = UInt(bounds[1], radix: 16), end > start
        else { return nil }
        (self.start, self.end) = (start, end)
    }

    /// The address ranges holding no private copy: every page is absent, or present and the file's own.
    func fileCopyRuns(pagemap: Int32) -> [Range<UInt>] {
        let pages = Int((end - start) / Self.pageSize)
        var entries = [UInt64](repeating: 0, count: pages)
        let wanted = pages * MemoryLayout<UInt64>.size
        let read = entries.withUnsafeMutableBytes { pread(pagemap, $0.baseAddress, wanted, off_t((start / Self.pageSize) * 8)) }
        guard read == wanted else { return [] }
        var runs: [Range<UInt>] = []
        var runStart: UInt?
        for (index, entry) in entries.enumerated() {
            let address = start + UInt(index) * Self.pageSize
            // Bit 63: present; bit 61: a file page (a private copy is anonymous).
            let privateCopy = entry & (1 << 63) != 0 && entry & (1 << 61) == 0
            if privateCopy, let open = runStart {
                runs.append(open..<address)
                runStart = nil
            } else if !privateCopy, runStart == nil {
                runStart = address
            }
        }
        if let open = runStart { runs.append(open..<end) }
        return runs
    }
}
