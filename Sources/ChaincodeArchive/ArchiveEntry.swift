/// One member of a tar archive, as its header describes it.
public struct ArchiveEntry: Sendable, Equatable {
    /// What kind of file a member is.
    public enum Kind: Sendable, Equatable {
        case regular, directory, symbolicLink, hardLink, other
    }

    /// The path exactly as stored.
    public var path: String
    public var kind: Kind
    /// The size the header declares (regular files).
    public var size: Int64
    /// Permission bits.
    public var mode: UInt32
    /// The target of a symbolic or hard link.
    public var linkTarget: String?
}
