/// Why the registry could not create a debug run; the editor API answers each with its own status.
public enum DebugRunError: Error, Sendable, CustomStringConvertible {
    /// `active` runs are active, the most the service allows (`limit`).
    case limitReached(active: Int, limit: Int)
    /// The run's debug peer did not start, with the reason.
    case peerDidNotStart(any Error)

    public var description: String {
        switch self {
        case .limitReached(let active, let limit): "\(active) debug runs are active (the limit is \(limit)); stop one first"
        case .peerDidNotStart(let cause): "cannot start a debug peer for the run: \(cause)"
        }
    }
}
