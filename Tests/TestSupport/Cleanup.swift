/// Runs `body`, then `cleanup`, also when `body` throws (an expectation that failed with `try #require`, an error
/// of the code under test): what a test started is stopped on every path, and the error reaches the test runner
/// only after that. A client left running can end the whole test process (AsyncHTTPClient's deinit check), a server
/// or child process left running outlives the test.
///
/// ```swift
/// let client = try KubernetesClient(access: access)
/// return try await withCleanup({ await client.shutdown() }) { try await body(client) }
/// ```
@discardableResult
public func withCleanup<T>(_ cleanup: () async -> Void, _ body: () async throws -> T) async throws -> T {
    let outcome = await Result(catching: body)
    await cleanup()
    return try outcome.get()
}

extension Result where Failure == any Error {
    /// The outcome of an async throwing body.
    public init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
