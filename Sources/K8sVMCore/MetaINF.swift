import Foundation

/// `META-INF/` (CouchDB indexes and collection configuration) travels from the source into the build directory,
/// where `release` finds it.
public enum MetaINF {
    /// Copies `SRC/META-INF` (if there is one) to `BUILD_DIR/META-INF`.
    public static func copy(from sourceDirectory: String, to buildDirectory: String) throws {
        let source = sourceDirectory + "/META-INF"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory), isDirectory.boolValue else { return }
        try FileTree.copyRegularFiles(from: source, to: buildDirectory + "/META-INF")
    }
}
