/// `?watch=1` (README items 5, 7–11): the stream, its bookmarks and its `timeoutSeconds` end.
extension API {
    func watch(_ route: APIRoute, _ parameters: [String: String]) throws(APIError) -> Reply {
        let selector = try Selector(labelSelector: parameters["labelSelector"], fieldSelector: parameters["fieldSelector"],
                                    resource: route.resource)
        let requested = parameters["resourceVersion"] ?? ""
        let from: Int?
        if requested.isEmpty || requested == "0" {
            from = nil
        } else if let value = Int(requested) {
            from = value
        } else {
            throw .badRequest("invalid resource version: \(requested)")
        }
        let timeout = parameters["timeoutSeconds"].flatMap(Double.init)
        let bookmarks = parameters["allowWatchBookmarks"] == "true" || parameters["allowWatchBookmarks"] == "1"
        let resource = route.resource
        let namespace = route.namespace
        return .stream(contentType: "application/json") { [cluster, clock] sink in
            let watcher = Cluster.Watcher(resource: resource, namespace: namespace, selector: selector, sink: sink,
                                          startResourceVersion: from ?? cluster.resourceVersion)
            let (started, startRV) = cluster.startWatch(watcher, from: from)
            guard started else { return }
            let timer = Task {
                await Self.runTimer(sink: sink, resource: resource, startRV: startRV, timeout: timeout, bookmarks: bookmarks,
                                    cluster: cluster, clock: clock)
            }
            sink.onClose {
                cluster.stopWatch(sink.id)
                timer.cancel()
            }
        }
    }

    /// Bookmarks about 2 s before the deadline (two of them, watch-semantics/03: 12.8 s and 13.9 s of 15 s) and
    /// every 60 s × time scale (watch-semantics/09), only once the resource moved past the start RV; then the clean
    /// end of the body at `timeoutSeconds`.
    private static func runTimer(sink: StreamSink, resource: Resource, startRV: Int, timeout: Double?, bookmarks: Bool,
                                 cluster: Cluster, clock: Clock) async {
        let period = 60 * clock.timeScale
        var pending = timeout.map { deadline in [deadline - 2.2, deadline - 1.1].filter { $0 > 0 } } ?? []
        var nextPeriodic = period
        var elapsed = 0.0
        while !Task.isCancelled {
            let next = min(pending.first ?? .infinity, nextPeriodic, timeout ?? .infinity)
            try? await Task.sleep(nanoseconds: UInt64(max(0, next - elapsed) * 1_000_000_000))
            if Task.isCancelled { return }
            elapsed = next
            if let timeout, next >= timeout {
                cluster.stopWatch(sink.id)
                sink.finish()
                return
            }
            if pending.first == next { pending.removeFirst() } else { nextPeriodic += period }
            let latest = cluster.latestResourceVersion(of: resource)
            if bookmarks && latest > startRV {
                sink.send(JSON.obj(["type": .string("BOOKMARK"), "object": resource.bookmarkObject(resourceVersion: latest)]).text + "\n")
            }
        }
    }
}
