import Foundation

/// A minimal PEM reader, enough to reject material that no TLS stack would accept before a chaincode is started.
public enum PEM {
    /// One `-----BEGIN X-----` … `-----END X-----` block.
    public struct Block: Equatable, Sendable {
        public var label: String
        public var der: Data
    }

    /// Parses every block in `text`; throws when there is none or one is malformed.
    public static func blocks(in text: String) throws -> [Block] {
        var blocks: [Block] = []
        var currentLabel: String?
        var body = ""
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if let label = marker(line, "BEGIN") {
                guard currentLabel == nil else { throw PEMError("a BEGIN \(label) line inside another block") }
                currentLabel = label
                body = ""
            } else if let label = marker(line, "END") {
                guard let open = currentLabel, open == label else {
                    throw PEMError("END \(label) without a matching BEGIN")
                }
                guard let der = Data(base64Encoded: body), !der.isEmpty else {
                    throw PEMError("the \(label) block is not valid base64")
                }
                blocks.append(Block(label: label, der: der))
                currentLabel = nil
            } else if currentLabel != nil {
                body += line
            }
        }
        if let open = currentLabel { throw PEMError("the \(open) block has no END line") }
        if blocks.isEmpty { throw PEMError("no PEM block found") }
        return blocks
    }

    private static func marker(_ line: String, _ kind: String) -> String? {
        let prefix = "-----\(kind) "
        guard line.hasPrefix(prefix), line.hasSuffix("-----"), line.count > prefix.count + 5 else { return nil }
        return String(line.dropFirst(prefix.count).dropLast(5))
    }

    /// Throws unless `text` holds at least one certificate and nothing else.
    public static func validateCertificates(_ text: String) throws {
        for block in try blocks(in: text) where block.label != "CERTIFICATE" {
            throw PEMError("expected CERTIFICATE, found \(block.label)")
        }
    }

    /// Throws unless `text` holds exactly one private key.
    public static func validatePrivateKey(_ text: String) throws {
        let found = try blocks(in: text)
        guard found.count == 1, found[0].label.hasSuffix("PRIVATE KEY") else {
            throw PEMError("expected one PRIVATE KEY block, found \(found.map(\.label).joined(separator: ", "))")
        }
    }
}

/// Why a PEM string was refused.
public struct PEMError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
