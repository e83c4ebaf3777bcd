import AsyncHTTPClient
#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix
import NIOSSL

/// Why an HTTP request got no answer, told from the error types swift-nio, swift-nio-ssl and async-http-client throw
/// (never from their message text): what the API-server and registry clients report and decide retries by.
public enum TransportFailure: Sendable, Equatable {
    /// The server's host refused the connection (nothing listens there).
    case refused
    /// The host name did not resolve.
    case unresolved
    /// No connection within the connect timeout.
    case connectTimedOut
    /// Connected, but no answer came before the request's deadline.
    case noAnswerInTime
    /// The server closed or reset the connection before it answered.
    case closed
    /// The TLS handshake failed (an untrusted certificate, a wrong name, no common protocol), with the TLS error.
    case tls(String)
    /// Any other failure, with the error's own text.
    case other(String)

    /// Classifies `error`, looking through the connection attempts async-http-client and swift-nio wrap.
    public init(_ error: any Error) {
        switch error {
        case let error as HTTPClientError:
            self = switch error {
            case .connectTimeout: .connectTimedOut
            case .deadlineExceeded: .noAnswerInTime
            case .remoteConnectionClosed: .closed
            default: .other(String(describing: error))
            }
        case let error as NIOConnectionError:
            let attempts = error.connectionErrors.map { TransportFailure($0.error) }
            if let first = attempts.first {
                self = attempts.contains(.refused) ? .refused : first
            } else {
                self = error.dnsAError != nil || error.dnsAAAAError != nil ? .unresolved : .other(String(describing: error))
            }
        case let error as IOError:
            self = switch error.errnoCode {
            case ECONNREFUSED: .refused
            case ETIMEDOUT: .connectTimedOut
            case ECONNRESET, EPIPE: .closed
            default: .other(String(describing: error))
            }
        case let error as ChannelError:
            self = switch error {
            case .connectTimeout: .connectTimedOut
            case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed, .inputClosed: .closed
            default: .other(String(describing: error))
            }
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError:
            self = .tls(String(describing: error))
        default:
            self = .other(String(describing: error))
        }
    }

    /// Whether the connection failed rather than the request (refused, unresolved, timed out, closed): sending the
    /// request again may succeed, and the server has not acted on an answer it never gave.
    public var isConnectionFailure: Bool {
        switch self {
        case .refused, .unresolved, .connectTimedOut, .noAnswerInTime, .closed: true
        case .tls, .other: false
        }
    }

    /// The failure in a few words, for the one-line error a user reads.
    public var reason: String {
        switch self {
        case .refused: "connection refused"
        case .unresolved: "the host name does not resolve"
        case .connectTimedOut: "connection timed out"
        case .noAnswerInTime: "no answer in time"
        case .closed: "the connection was closed before an answer"
        case .tls(let detail): "TLS handshake failed: \(detail)"
        case .other(let detail): detail
        }
    }
}
