import Synchronization

/// The chaincodes currently registered with the peer, by registered id.
final class ChaincodeRegistry: Sendable {
    private struct Waiter {
        var condition: @Sendable ([String: ChaincodeSession]) -> Bool
        var continuation: CheckedContinuation<Void, Never>
    }
    private struct State {
        var sessions: [String: ChaincodeSession] = [:]
        var waiters: [Waiter] = []
    }
    private let state = Mutex(State())

    /// A second live REGISTER with an id already connected.
    struct Duplicate: Error {
        let chaincodeID: String
    }

    /// Reserves `session`'s id. A dead session with the same id is replaced; a live one is kept and the new one refused.
    func reserve(_ session: ChaincodeSession) throws(Duplicate) {
        try state.withLock { (state) throws(Duplicate) in
            if let existing = state.sessions[session.chaincodeID], existing.isAlive {
                throw Duplicate(chaincodeID: session.chaincodeID)
            }
            state.sessions[session.chaincodeID] = session
        }
    }

    /// READY was sent: the session accepts transactions.
    func markReady(_ session: ChaincodeSession) {
        session.markReady()
        changed()
    }

    /// Removes `session` if it is still the one registered under its id.
    func remove(_ session: ChaincodeSession) {
        state.withLock { state in
            if state.sessions[session.chaincodeID] === session {
                state.sessions[session.chaincodeID] = nil
            }
        }
        changed()
    }

    /// Ids of ready chaincodes, sorted.
    func readyIDs() -> [String] {
        state.withLock { $0.sessions.values.filter(\.isReady).map(\.chaincodeID).sorted() }
    }

    /// The ready session for a full id, or for a name matching exactly one id's name part.
    func session(for name: String) throws -> ChaincodeSession {
        try state.withLock { state in
            if let exact = state.sessions[name], exact.isReady { return exact }
            let matches = state.sessions.values.filter { $0.isReady && $0.namespace == name }
            if matches.count == 1 { return matches[0] }
            if matches.count > 1 {
                throw DebugPeerError.ambiguousChaincode(name, candidates: matches.map(\.chaincodeID).sorted())
            }
            throw DebugPeerError.unknownChaincode(name, registered: state.sessions.values.filter(\.isReady).map(\.chaincodeID).sorted())
        }
    }

    /// Whether `session` matches a full id or a name.
    private static func matches(_ session: ChaincodeSession, _ name: String) -> Bool {
        session.chaincodeID == name || session.namespace == name
    }

    /// Returns once a chaincode with this id (or name) is registered and ready.
    func waitUntilReady(_ name: String) async {
        await waitUntil { $0.values.contains { $0.isReady && Self.matches($0, name) } }
    }

    /// Returns once no chaincode with this id (or name) is registered.
    func waitUntilGone(_ name: String) async {
        await waitUntil { !$0.values.contains { Self.matches($0, name) } }
    }

    private func waitUntil(_ condition: @escaping @Sendable ([String: ChaincodeSession]) -> Bool) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let satisfied = state.withLock { state -> Bool in
                if condition(state.sessions) { return true }
                state.waiters.append(Waiter(condition: condition, continuation: continuation))
                return false
            }
            if satisfied { continuation.resume() }
        }
    }

    /// Wakes the waiters whose condition now holds.
    private func changed() {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.waiters.isEmpty else { return [] }
            var woken: [CheckedContinuation<Void, Never>] = []
            state.waiters.removeAll { waiter in
                guard waiter.condition(state.sessions) else { return false }
                woken.append(waiter.continuation)
                return true
            }
            return woken
        }
        for continuation in ready { continuation.resume() }
    }
}
