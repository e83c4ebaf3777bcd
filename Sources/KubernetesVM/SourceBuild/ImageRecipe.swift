import Crypto
import Foundation
import K8sVMCore

/// Everything a built image depends on, and the tag derived from it: the same package built with the same ccenv
/// image, runtime base and K8sVM version always gets the same tag, so any peer asks the registry before building.
struct ImageRecipe: Sendable, Equatable {
    /// sha256 of the source archive stage 1 receives (reproducible: sorted entries, fixed times and owners).
    var sourceDigest: String
    var type: ChaincodeType
    var label: String
    /// `metadata.json` `path`, which decides what a Go build compiles.
    var path: String
    var ccenvDigest: String
    var runtimeDigest: String
    var version = K8sVMVersion.current

    /// `<label>-<32 hex digits of the recipe's sha256>`: readable, and unique per recipe.
    var tag: String {
        let recipe = [sourceDigest, type.rawValue, label, path, ccenvDigest, runtimeDigest, version].joined(separator: "\n")
        let hash = SHA256.hash(data: Data(recipe.utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
        return Self.tagSafe(label) + "-" + hash
    }

    /// A package label as the start of a tag: `[A-Za-z0-9_.-]`, at most 40 characters, not starting with `.` or `-`.
    static func tagSafe(_ label: String) -> String {
        let allowed = label.map { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) ? $0 : "_" }
        let trimmed = String(allowed.prefix(40)).drop { $0 == "." || $0 == "-" }
        return trimmed.isEmpty ? "chaincode" : String(trimmed)
    }
}
