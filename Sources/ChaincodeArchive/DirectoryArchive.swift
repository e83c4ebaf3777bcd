import Foundation

/// A directory as a reproducible tar.gz with its layout kept (members as `ArchiveWriter` writes them): a peer's
/// SRC_DIR, served to a stage-1 build as the package's `code.tar.gz` contents.
public enum DirectoryArchive {
    /// Every regular file under `directory`, sorted; links and special files are errors naming them.
    public static func create(from directory: String) throws -> Data {
        let writer = try ArchiveWriter()
        for file in try SourceTree.files(in: directory) {
            try writer.addFile(path: file.path, contents: try file.contents(), executable: file.executable)
        }
        return try writer.finish()
    }
}
