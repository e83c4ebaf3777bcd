import Crypto
import Foundation

/// Package labels and IDs exactly as the peer computes them: `label:hex(sha256(package bytes))`.
public enum PackageID {
    /// The peer's ID for a package file's bytes.
    public static func compute(label: String, packageBytes: Data) -> String {
        "\(label):\(sha256Hex(packageBytes))"
    }

    /// Lower-case hex SHA-256 of `data`.
    public static func sha256Hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// Throws unless `label` is one the peer accepts: alphanumeric runs joined by single separators.
    ///
    /// The peer's pattern is `^[a-zA-Z0-9]+([.+-_][a-zA-Z0-9]+)*$`; in Go's regexp syntax `+-_` is a range, so the
    /// separators it really admits are `.` and every character from `+` (0x2B) to `_` (0x5F).
    public static func validateLabel(_ label: String) throws {
        var previousWasSeparator = true
        for byte in label.utf8 {
            let alphanumeric = (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            let separator = byte == UInt8(ascii: ".") || (0x2B...0x5F).contains(byte)
            if alphanumeric {
                previousWasSeparator = false
            } else if separator, !previousWasSeparator {
                previousWasSeparator = true
            } else {
                throw invalid(label)
            }
        }
        if label.isEmpty || previousWasSeparator { throw invalid(label) }
    }

    private static func invalid(_ label: String) -> K8sVMError {
        K8sVMError("invalid label \"\(label)\": use letters and digits, joined by single characters from \".+-_\", starting and ending with a letter or digit")
    }
}
