import Foundation

/// The changes of one Pod (by name, or the Pod a label selector picks, such as a Job's), from a resourceVersion on,
/// surviving the API server (DESIGN decision 4: watch, don't poll): a stream that ends (its timeout, a restart of the
/// server, a dropped connection) is opened again from the last resourceVersion seen (bookmarks included), and a
/// resourceVersion that became too old (`Expired`, 410) is replaced by reading the Pod once more.
public struct PodWatch {
    /// What happened to the Pod.
    public enum Change: Sendable {
        case updated(Pod)
        /// The Pod is gone; the last state known, if any.
        case deleted(Pod?)
    }

    /// Which Pod is watched.
    public enum Target: Sendable {
        case name(String)
        /// The Pods a label selector picks (`job-name=NAME`); changes of any of them are reported.
        case labelSelector(String)
    }

    let client: KubernetesClient
    let namespace: String
    let target: Target
    public private(set) var resourceVersion: String
    /// How long the API server may stay unreachable before the watch gives up.
    let outageTolerance: Duration
    private var events: WatchEvents<Pod>.AsyncIterator?
    private var unreachableSince: ContinuousClock.Instant?
    private let log: @Sendable (String) -> Void

    public init(client: KubernetesClient, namespace: String, name: String, resourceVersion: String,
                outageTolerance: Duration = .seconds(300), log: @escaping @Sendable (String) -> Void) {
        self.init(client: client, namespace: namespace, target: .name(name), resourceVersion: resourceVersion,
                  outageTolerance: outageTolerance, log: log)
    }

    public init(client: KubernetesClient, namespace: String, target: Target, resourceVersion: String,
                outageTolerance: Duration = .seconds(300), log: @escaping @Sendable (String) -> Void) {
        self.client = client
        self.namespace = namespace
        self.target = target
        self.resourceVersion = resourceVersion
        self.outageTolerance = outageTolerance
        self.log = log
    }

    /// The next change; throws when the API server stays away longer than `outageTolerance`, or refuses the watch.
    public mutating func next() async throws -> Change {
        while true {
            try Task.checkCancellation()
            do {
                if events == nil {
                    events = try await client.watch(Pod.self, namespace: namespace, name: target.name,
                                                    labelSelector: target.selector, resourceVersion: resourceVersion).makeAsyncIterator()
                }
                guard let event = try await events!.next() else {
                    events = nil  // the server ended the stream: continue from where it was
                    continue
                }
                unreachableSince = nil
                switch event {
                case .added(let pod), .modified(let pod):
                    resourceVersion = pod.metadata.resourceVersion ?? resourceVersion
                    return .updated(pod)
                case .deleted(let pod):
                    return .deleted(pod)
                case .bookmark(let version):
                    if !version.isEmpty { resourceVersion = version }
                case .error(let status) where status.code == 410:
                    events = nil
                    if let change = try await relist() { return change }
                case .error(let status):
                    throw KubernetesError(code: status.code ?? 500, status: status, request: "WATCH pod \(target)")
                }
            } catch let error as KubernetesError where error.kind != .serverError && error.kind != .tooManyRequests {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                events = nil
                try await pause(after: error)
            }
        }
    }

    /// After a 410: the Pod's state now, and a resourceVersion to watch from.
    private mutating func relist() async throws -> Change? {
        switch target {
        case .name(let name):
            do {
                let pod = try await client.get(Pod.self, name: name, namespace: namespace)
                resourceVersion = pod.metadata.resourceVersion ?? resourceVersion
                return .updated(pod)
            } catch let error as KubernetesError where error.kind == .notFound {
                return .deleted(nil)
            }
        case .labelSelector(let selector):
            let list = try await client.list(Pod.self, namespace: namespace, labelSelector: selector)
            resourceVersion = list.metadata.resourceVersion ?? resourceVersion
            return list.items.first.map { .updated($0) }
        }
    }

    private mutating func pause(after error: any Error) async throws {
        let now = ContinuousClock.now
        if let since = unreachableSince {
            if now - since > outageTolerance {
                throw KubernetesUnreachable(server: client.access.server, request: "WATCH pod \(target)", underlying: error)
            }
        } else {
            unreachableSince = now
            log("k8svm: lost the watch of pod \(target) (\(error)); resuming from resourceVersion \(resourceVersion)")
        }
        try await Task.sleep(for: .milliseconds(500))
    }
}

extension PodWatch.Target: CustomStringConvertible {
    var name: String? {
        if case .name(let name) = self { return name }
        return nil
    }

    var selector: String? {
        if case .labelSelector(let selector) = self { return selector }
        return nil
    }

    public var description: String {
        switch self {
        case .name(let name): name
        case .labelSelector(let selector): "with labels \(selector)"
        }
    }
}
