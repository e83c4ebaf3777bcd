/// An image reference that always names its registry: `host[:port]/repository[:tag][@sha256:…]`.
///
/// Unlike docker, a name without a registry host (`busybox`, `library/busybox`) is rejected: K8sVM always pushes
/// to and runs from an explicit registry. The first path component is a host when it contains `.` or `:` or is
/// `localhost`.
public struct RegistryReference: Hashable, Sendable, CustomStringConvertible {
    /// `host` or `host:port`.
    public var registry: String
    /// The repository path inside the registry, e.g. `chaincode/basic`.
    public var repository: String
    /// The tag, if any.
    public var tag: String?
    /// The digest, if any; when both are present the digest wins, as in docker.
    public var digest: Digest?

    public init(registry: String, repository: String, tag: String? = nil, digest: Digest? = nil) {
        self.registry = registry
        self.repository = repository
        self.tag = tag
        self.digest = digest
    }

    /// Parses `host[:port]/repository[:tag][@sha256:…]`.
    public init(parsing text: String) throws {
        var rest = Substring(text)
        if let at = rest.firstIndex(of: "@") {
            digest = try Digest(String(rest[rest.index(after: at)...]))
            rest = rest[..<at]
        }
        guard let slash = rest.firstIndex(of: "/") else {
            throw RegistryInputError("image reference \"\(text)\" names no registry host (expected host[:port]/repository)")
        }
        let host = rest[..<slash]
        guard host.contains(".") || host.contains(":") || host == "localhost" else {
            throw RegistryInputError("image reference \"\(text)\" names no registry host (\"\(host)\" is a repository path component, not a host)")
        }
        registry = String(host)
        var path = rest[rest.index(after: slash)...]
        if let colon = path.lastIndex(of: ":") {
            let candidate = path[path.index(after: colon)...]
            guard Self.isTag(candidate) else { throw RegistryInputError("image reference \"\(text)\" has an invalid tag \"\(candidate)\"") }
            tag = String(candidate)
            path = path[..<colon]
        }
        guard !path.isEmpty, path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy(Self.isPathComponent) else {
            throw RegistryInputError("image reference \"\(text)\" has an invalid repository \"\(path)\" (lowercase letters, digits and . _ - separators)")
        }
        repository = String(path)
    }

    /// The tag or digest a manifest request names: the digest when present, else the tag, else `latest`.
    public var manifestReference: String { digest?.value ?? tag ?? "latest" }

    /// The same repository with another tag and no digest.
    public func tagged(_ tag: String) -> RegistryReference {
        RegistryReference(registry: registry, repository: repository, tag: tag)
    }

    public var description: String {
        registry + "/" + repository + (tag.map { ":" + $0 } ?? "") + (digest.map { "@" + $0.value } ?? "")
    }

    private static func isTag(_ text: Substring) -> Bool {
        guard let first = text.first, text.count <= 128, first.isASCII, first.isLetter || first.isNumber || first == "_" else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }
    }

    /// `[a-z0-9]+` runs joined by `.`, `_`, `__` or runs of `-`.
    private static func isPathComponent(_ text: Substring) -> Bool {
        guard let first = text.first, let last = text.last, isAlphanumeric(first), isAlphanumeric(last) else { return false }
        var previous: Character = first
        for character in text {
            if isAlphanumeric(character) {
                previous = character
                continue
            }
            guard "._-".contains(character) else { return false }
            let separatorRunAllowed = character == "-" && previous == "-" || character == "_" && previous == "_"
            if !isAlphanumeric(previous) && !separatorRunAllowed { return false }
            previous = character
        }
        return true
    }

    private static func isAlphanumeric(_ character: Character) -> Bool {
        character.isASCII && (character.isLowercase || character.isNumber)
    }
}
