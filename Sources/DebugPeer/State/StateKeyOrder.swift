/// Fabric's state databases order keys by their UTF-8 bytes (LevelDB's default
/// comparator), not by Swift's Unicode-aware `String` ordering; composite keys
/// (`\u{0}`-separated) and the `\u{10FFFF}` range end rely on it.
enum StateKeyOrder {
    /// Whether `lhs` sorts before `rhs` by UTF-8 bytes.
    @inline(__always)
    static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }

    /// The first index in the sorted `keys` whose key is not before `key`.
    static func lowerBound(of key: String, in keys: [String]) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let mid = (low + high) / 2
            if precedes(keys[mid], key) { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
