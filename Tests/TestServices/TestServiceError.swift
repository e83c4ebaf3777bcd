/// A test service (registry, Docker engine, token service) could not be started.
public struct TestServiceError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
