import CLaunch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Routes SIGTERM, SIGINT and SIGHUP to one handler, run on a dedicated thread.
///
/// A C handler writes each signal's number to a pipe (the only async-signal-safe way out of a handler); a thread
/// reads the pipe and calls the current handler. This works whichever thread the kernel picks for the signal. Until a
/// command sets a handler, a signal ends the process with 128 + its number, as if it were not caught.
public final class TerminationSignals: @unchecked Sendable {
    /// The signals a launcher forwards or turns into a clean stop.
    public static let handled: [Int32] = [SIGTERM, SIGINT, SIGHUP]
    /// The process-wide router.
    public static let shared = TerminationSignals()

    private let lock = NSLock()
    private var handler: (@Sendable (Int32) -> Void)?
    private var installed = false

    /// Catches the signals and starts the thread that delivers them.
    public func install() {
        lock.lock()
        defer { lock.unlock() }
        guard !installed else { return }
        installed = true
        let readEnd = Self.handled.withUnsafeBufferPointer { k8svm_signal_pipe($0.baseAddress, Int32($0.count)) }
        guard readEnd >= 0 else { return }
        let thread = Thread { [self] in
            var byte: UInt8 = 0
            while true {
                let count = read(readEnd, &byte, 1)
                if count == 1 {
                    deliver(Int32(byte))
                } else if count == 0 || errno != EINTR {
                    return
                }
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
}
