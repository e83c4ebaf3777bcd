/// Caps on what one extraction may create, so a hostile archive cannot fill a disk or an inode table.
public struct ExtractionLimits: Sendable {
    /// Total bytes of file data.
    public var maxTotalBytes: Int64
    /// Number of members.
    public var maxEntries: Int

    public init(maxTotalBytes: Int64 = 512 << 20, maxEntries: Int = 50_000) {
        self.maxTotalBytes = maxTotalBytes
        self.maxEntries = maxEntries
    }
}
