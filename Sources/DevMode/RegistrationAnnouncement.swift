import DebugPeer
import Synchronization

/// Says once that a launch registered with the debug peer, and remembers whether it did. Cancelled when the launch
/// ends, so that a launch that never registered neither announces the next one's registration nor claims it.
final class RegistrationAnnouncement: Sendable {
    private final class Flag: Sendable {
        let value = Mutex(false)
    }

    private let flag: Flag
    private let waiter: Task<Void, Never>

    init(of chaincodeID: String, on peer: DebugPeer, saying message: String) {
        let flag = Flag()
        self.flag = flag
        waiter = Task {
            await peer.waitForRegistration(of: chaincodeID)
            // Recorded even when cancelled meanwhile: a chaincode that registered and then exited at once did register.
            flag.value.withLock { $0 = true }
            guard !Task.isCancelled else { return }
            say(message)
        }
    }

    /// Whether the launch registered before `cancel()`.
    var happened: Bool { flag.value.withLock { $0 } }

    func cancel() { waiter.cancel() }
}
