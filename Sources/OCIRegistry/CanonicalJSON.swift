import Foundation

/// JSON encoding with sorted keys and unescaped slashes, for reproducible digests.
enum CanonicalJSON {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
