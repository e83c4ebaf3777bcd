import NIOCore
import NIOPosix

/// A task executor on NIO's singleton event loops, the ones gRPC's connections use: a job enqueued
/// from an event loop thread stays on that loop, any other job goes to some loop.
///
/// The peer's and the shim's stream tasks prefer it. They then run on their connection's loop with no
/// thread switches, and a call into a nonisolated async function (gRPC's and NIO's reads and writes
/// are layers of them) continues in place. Without a preference, NIO's global executor takeover
/// (`--nio-executor`, ``ChaincodeServer.installEventLoopExecutor()``) runs each job as isolated to its
/// loop, so every such call is another trip through the loop's queue.
public final class EventLoopTaskExecutor: TaskExecutor {
    /// The executor over `MultiThreadedEventLoopGroup.singleton`.
    public static let singleton = EventLoopTaskExecutor(group: MultiThreadedEventLoopGroup.singleton)

    private let group: MultiThreadedEventLoopGroup

    private init(group: MultiThreadedEventLoopGroup) {
        self.group = group
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        group.any().execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
