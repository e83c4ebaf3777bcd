import HTTPTransport

/// A registry operation that failed. The description always names the registry and what K8sVM was doing there.
public struct RegistryError: Error, CustomStringConvertible, Sendable {
    /// `host` or `host:port`.
    public let registry: String
    /// What K8sVM was doing, e.g. `pushing manifest chaincode/basic:v1`.
    public let operation: String
    public let kind: Kind

    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// No HTTP answer: connection refused, TLS failure, timeout.
        case unreachable(TransportFailure)
        /// No answer from the token service at `realm` the registry sent K8sVM to.
        case tokenServiceUnreachable(realm: String, TransportFailure)
        /// 401/403 for `repository`; `username` is nil when no credentials were presented.
        case unauthorized(repository: String, username: String?, detail: String)
        /// 404 for a manifest (an image) or a blob.
        case notFound(what: String)
        /// Any other status, with the distribution-spec error codes and messages of the body.
        case status(code: Int, detail: String)
        /// An answer that breaks the protocol (missing header, wrong digest, undecodable manifest).
        case invalidResponse(String)
        /// The registry could not do what K8sVM needs without downloading layers (a refused cross-repository mount).
        case unsupported(String)
    }

    public var description: String {
        let what: String
        switch kind {
        case .unreachable(let failure):
            what = "registry \(registry) is unreachable: \(failure.reason)"
        case .tokenServiceUnreachable(let realm, let failure):
            what = "registry \(registry) is unreachable: its token service \(realm) did not answer: \(failure.reason)"
        case .unauthorized(let repository, nil, let detail):
            what = "registry \(registry) refused anonymous access to repository \(repository) (no credentials configured for \(registry))" + Self.suffix(detail)
        case .unauthorized(let repository, let username?, let detail):
            what = "registry \(registry) refused credentials for repository \(repository) (user \(username))" + Self.suffix(detail)
        case .notFound(let thing):
            what = "\(thing) not found in registry \(registry)"
        case .status(let code, let detail):
            what = "registry \(registry) answered HTTP \(code)" + Self.suffix(detail)
        case .invalidResponse(let detail):
            what = "registry \(registry) sent an invalid answer: \(detail)"
        case .unsupported(let detail):
            what = "registry \(registry): \(detail)"
        }
        return what + " (while \(operation))"
    }

    private static func suffix(_ detail: String) -> String { detail.isEmpty ? "" : ": " + detail }
}
