import Dispatch

/// Runs async work from synchronous code (a synchronous `main`), blocking the calling thread until it is done.
///
/// The builder verbs start synchronously because the Swift concurrency runtime's threads cost a short-lived
/// `detect` a measurable part of its budget; only verbs that need async work pay for it.
public enum BlockingTask {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var outcome: Result<T, any Error>?
        Task {
            do {
                outcome = .success(try await body())
            } catch {
                outcome = .failure(error)
            }
            done.signal()
        }
        done.wait()
        return try outcome!.get()
    }
}
