import Crypto
import Foundation

/// Kubernetes' rules for names and label values, and how K8sVM fits arbitrary text (a chaincode label, a package
/// hash, a peer name) into them (fabric-contracts §5).
public enum KubernetesNames {
    /// A DNS-1123 label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
    public static func isLabel(_ text: String) -> Bool {
        guard (1...63).contains(text.utf8.count), let first = text.utf8.first, let last = text.utf8.last else { return false }
        return isLowerAlphanumeric(first) && isLowerAlphanumeric(last)
            && text.utf8.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    /// A label value: empty, or `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?` of at most 63 characters.
    public static func isLabelValue(_ text: String) -> Bool {
        if text.isEmpty { return true }
        guard text.utf8.count <= 63, let first = text.utf8.first, let last = text.utf8.last else { return false }
        func alphanumeric(_ byte: UInt8) -> Bool { isLowerAlphanumeric(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) }
        return alphanumeric(first) && alphanumeric(last)
            && text.utf8.allSatisfy { alphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }

    /// `text` lower-cased, with every run of other characters made one `-`, trimmed to `limit` characters and of
    /// leading and trailing dashes. May be empty.
    public static func sanitized(_ text: String, limit: Int) -> String {
        var result = ""
        for scalar in text.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                result.unicodeScalars.append(scalar)
            } else if !result.hasSuffix("-") {
                result += "-"
            }
        }
        return String(String(result.drop(while: { $0 == "-" }).prefix(limit)).reversed().drop(while: { $0 == "-" }).reversed())
    }

    /// A label value for `text`: the text itself when it is one; else its sanitised start, a dash and 10 hex digits of
    /// its SHA-256, so different texts stay different.
    public static func labelValue(_ text: String) -> String {
        if isLabelValue(text) { return text }
        let prefix = sanitized(text, limit: 52)
        return prefix.isEmpty ? shortHash(text) : prefix + "-" + shortHash(text)
    }

    /// The first 10 hex digits of SHA-256 of `text`.
    public static func shortHash(_ text: String, length: Int = 10) -> String {
        SHA256.hash(data: Data(text.utf8)).prefix((length + 1) / 2).map { String(format: "%02x", $0) }.joined().prefix(length).description
    }

    /// A resource quantity as the API accepts it: a decimal number with an optional SI or binary suffix.
    public static func isQuantity(_ text: String) -> Bool {
        let suffixes = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "m", "k", "M", "G", "T", "P", "E", ""]
        guard let suffix = suffixes.first(where: { text.hasSuffix($0) }) else { return false }
        let number = text.dropLast(suffix.count)
        guard !number.isEmpty, number.filter({ $0 == "." }).count <= 1 else { return false }
        return number.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") } && number != "."
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
