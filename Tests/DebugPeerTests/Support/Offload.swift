import Foundation

/// Runs blocking work (socket reads) on its own thread, so it never occupies the
/// few threads of Swift's cooperative pool that the peer and shim need (2 on a 2-core machine).
func offload<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try body() })
        }
    }
}
