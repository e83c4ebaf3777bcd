/// A problem with what the caller handed in (a reference, a digest, a docker config file), found before any registry
/// was contacted.
public struct RegistryInputError: Error, CustomStringConvertible, Sendable {
    public let description: String

    init(_ description: String) { self.description = description }
}
