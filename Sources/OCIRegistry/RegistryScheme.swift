/// How K8sVM talks to a registry: HTTPS (optionally trusting a private CA, or not verifying at all) or plain HTTP.
public enum RegistryScheme: Sendable, Equatable {
    /// - Parameters:
    ///   - caFile: a PEM file of CA certificates trusted instead of the system's.
    ///   - insecureSkipVerify: accept any certificate (test registries only).
    case https(caFile: String? = nil, insecureSkipVerify: Bool = false)
    /// Plain HTTP: chosen automatically for loopback registries, otherwise only when configured explicitly.
    case http

    /// The default for `registry`: plain HTTP for `localhost` and 127.0.0.0/8, HTTPS otherwise.
    public static func `default`(for registry: String) -> RegistryScheme {
        isLoopback(host: hostPart(of: registry)) ? .http : .https()
    }

    var urlScheme: String {
        switch self {
        case .https: "https"
        case .http: "http"
        }
    }

    /// `host` of `host:port` (an IPv6 literal keeps its brackets).
    static func hostPart(of authority: String) -> String {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[...close])
        }
        return String(authority.prefix { $0 != ":" })
    }

    static func isLoopback(host: String) -> Bool {
        if host == "localhost" || host == "[::1]" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
