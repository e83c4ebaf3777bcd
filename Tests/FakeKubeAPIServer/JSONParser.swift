/// Decodes JSON text into ``JSON``, keeping member order and noting duplicate keys, which kube-apiserver's strict
/// decoding reports as `duplicate field "stringData"` (errors/13).
struct JSONParser {
    /// Why a body could not be decoded.
    struct Failure: Error { let message: String }

    private let bytes: [UInt8]
    private var index = 0
    /// Paths of duplicate object keys, like `stringData` or `spec.bogus`.
    private(set) var duplicates: [String] = []

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Parses a complete document; trailing non-space bytes are an error.
    static func parse(_ bytes: [UInt8]) throws(Failure) -> (value: JSON, duplicates: [String]) {
        var parser = JSONParser(bytes)
        let value = try parser.value(path: "")
        parser.skipSpace()
        guard parser.index == bytes.count else { throw Failure(message: "invalid character after top-level value") }
        return (value, parser.duplicates)
    }

    static func parse(_ text: String) throws(Failure) -> JSON { try parse(Array(text.utf8)).value }

    private mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
    }

    private mutating func value(path: String) throws(Failure) -> JSON {
        skipSpace()
        guard index < bytes.count else { throw Failure(message: "unexpected end of JSON input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(path: path)
        case UInt8(ascii: "["): return try array(path: path)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return try number()
        }
    }

    private mutating func literal(_ word: String) throws(Failure) {
        let text = Array(word.utf8)
        guard index + text.count <= bytes.count else { throw Failure(message: "unexpected end of JSON input") }
        guard Array(bytes[index..<index + text.count]) == text else { throw Failure(message: "invalid character in literal") }
        index += text.count
    }

    private mutating func expect(_ character: Character) throws(Failure) {
        skipSpace()
        guard index < bytes.count else { throw Failure(message: "unexpected end of JSON input") }
        guard bytes[index] == character.asciiValue! else {
            throw Failure(message: "invalid character '\(Character(UnicodeScalar(bytes[index])))' looking for \(character)")
        }
        index += 1
    }

    private mutating func peek(_ character: Character) -> Bool {
        skipSpace()
        return index < bytes.count && bytes[index] == character.asciiValue!
    }

    private mutating func object(path: String) throws(Failure) -> JSON {
        try expect("{")
        var members: [JSON.Member] = []
        if peek("}") { index += 1; return .object(members) }
        while true {
            skipSpace()
            guard index < bytes.count else { throw Failure(message: "unexpected end of JSON input") }
            let key = try string()
            try expect(":")
            let childPath = path.isEmpty ? key : "\(path).\(key)"
            let child = try value(path: childPath)
            if let existing = members.firstIndex(where: { $0.key == key }) {
                duplicates.append(childPath)
                members[existing].value = child
            } else {
                members.append(JSON.Member(key: key, value: child))
            }
            if peek(",") { index += 1; continue }
            try expect("}")
            return .object(members)
        }
    }

    private mutating func array(path: String) throws(Failure) -> JSON {
        try expect("[")
        var items: [JSON] = []
        if peek("]") { index += 1; return .array(items) }
        while true {
            items.append(try value(path: "\(path)[\(items.count)]"))
            if peek(",") { index += 1; continue }
            try expect("]")
            return .array(items)
        }
    }

    private mutating func number() throws(Failure) -> JSON {
        let start = index
        let allowed = Set("+-0123456789.eE".utf8)
        while index < bytes.count, allowed.contains(bytes[index]) { index += 1 }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard !text.isEmpty, Double(text) != nil else {
            if index >= bytes.count { throw Failure(message: "unexpected end of JSON input") }
            throw Failure(message: "invalid character '\(Character(UnicodeScalar(bytes[index])))' looking for beginning of value")
        }
        return .number(text)
    }

    private mutating func string() throws(Failure) -> String {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
            throw Failure(message: "invalid character looking for beginning of object key string")
        }
        index += 1
        var out: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw Failure(message: "unexpected end of JSON input") }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"): out.append(contentsOf: Array(String(try unicodeEscape()).utf8))
                default: out.append(escaped)
                }
            default: out.append(byte)
            }
        }
        throw Failure(message: "unexpected end of JSON input")
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count,
              let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
        else { throw Failure(message: "invalid unicode escape") }
        index += 4
        return value
    }

    private mutating func unicodeEscape() throws(Failure) -> Character {
        var code = try hex4()
        if (0xD800..<0xDC00).contains(code), index + 2 <= bytes.count, bytes[index] == UInt8(ascii: "\\") {
            index += 2
            let low = try hex4()
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        }
        return Character(UnicodeScalar(code) ?? "\u{FFFD}")
    }
}
