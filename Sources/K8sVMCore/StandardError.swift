import Foundation

/// Lines for the peer's log, or a terminal: the peer keeps only stderr, line by line.
public enum StandardError {
    public static func line(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
