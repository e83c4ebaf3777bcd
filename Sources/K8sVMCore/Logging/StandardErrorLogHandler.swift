import Foundation
import Logging

/// A swift-log handler that writes each message as one line on stderr, as the peer's log shows it: the message
/// alone (K8sVM's messages start with the program and verb, `k8svm run: …`), then any metadata as `key=value`.
///
/// The peer keeps only stderr, line by line, and stamps each line itself; levels and labels would only repeat what
/// the message says.
public struct StandardErrorLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]

    public init(label: String, logLevel: Logger.Level = .info) {
        self.logLevel = logLevel
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?,
                    source: String, file: String, function: String, line: UInt) {
        FileHandle.standardError.write(Data((Self.line(message, metadata.merging(explicit ?? [:]) { $1 }) + "\n").utf8))
    }

    /// The text of one event: the message, with newlines folded so that one event stays one line of the peer's log.
    static func line(_ message: Logger.Message, _ metadata: Logger.Metadata) -> String {
        var text = message.description.replacingOccurrences(of: "\n", with: " ")
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) { text += " \(key)=\(value)" }
        return text
    }
}
