#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation

/// Routes SIGTERM, SIGINT and SIGHUP to one handler on a dedicated thread.
///
/// `install()` must run first thing in `main`, before any other thread exists: it blocks the signals in the calling
/// thread, every thread created later inherits that mask, and only the router's thread takes them (`sigwait`). Until a
/// command sets a handler, a signal ends the process with 128 + its number, as if it were not blocked.
public final class TerminationSignals: @unchecked Sendable {
    /// The signals a launcher forwards or turns into a clean stop.
    public static let handled: [Int32] = [SIGTERM, SIGINT, SIGHUP]
    /// The process-wide router.
    public static let shared = TerminationSignals()

    private let lock = NSLock()
    private var handler: (@Sendable (Int32) -> Void)?
    private var installed = false

    /// Blocks the signals and starts the thread that waits for them.
    public func install() {
        lock.lock()
        defer { lock.unlock() }
        guard !installed else { return }
        installed = true
        var set = Self.signalSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let thread = Thread { [self] in
            var waitSet = Self.signalSet()
            while true {
                var received: Int32 = 0
                guard sigwait(&waitSet, &received) == 0 else { continue }
                self.deliver(received)
            }
        }
        thread.name = "k8svm-signals"
        thread.start()
    }

    /// Sets what happens on the next signals; nil restores "exit with 128 + signal".
    public func setHandler(_ handler: (@Sendable (Int32) -> Void)?) {
        lock.lock()
        self.handler = handler
        lock.unlock()
    }

    private func deliver(_ signal: Int32) {
        lock.lock()
        let current = handler
        lock.unlock()
        if let current {
            current(signal)
        } else {
            exit(128 + signal)
        }
    }

    private static func signalSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in handled { sigaddset(&set, signal) }
        return set
    }
}
