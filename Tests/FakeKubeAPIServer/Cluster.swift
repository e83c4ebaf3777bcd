import Foundation
import Synchronization

/// The shared state of the fake: the ``Store`` and the open watches, behind one lock so that a watch registers
/// and replays without missing a change, and every watch sees events in resourceVersion order.
final class Cluster: Sendable {
    /// An open watch (README items 5–11).
    struct Watcher: Sendable {
        let resource: Resource
        let namespace: String?
        let selector: Selector
        let sink: StreamSink
        /// Bookmarks start only once the resource has a newer resourceVersion than this (README item 10).
        let startResourceVersion: Int
    }

    private struct State {
        var store = Store()
        var watchers: [Int: Watcher] = [:]
    }

    private let state = Mutex(State())
    private let removalHandler = Mutex<(@Sendable (Resource, JSON) -> Void)?>(nil)

    /// Called after every removal, outside the lock; the garbage collector (README item 18).
    func onRemoval(_ handler: @escaping @Sendable (Resource, JSON) -> Void) {
        removalHandler.withLock { $0 = handler }
    }

    var resourceVersion: Int { state.withLock { $0.store.resourceVersion } }
    var oldestWatchable: Int { state.withLock { $0.store.oldestWatchable } }

    func latestResourceVersion(of resource: Resource) -> Int {
        state.withLock { $0.store.latestByResource[resource] ?? 0 }
    }

    func get(_ resource: Resource, _ namespace: String, _ name: String) -> JSON? {
        state.withLock { $0.store.get(resource, namespace, name) }
    }

    func list(_ resource: Resource, namespace: String?) -> [JSON] {
        state.withLock { $0.store.list(resource, namespace: namespace) }
    }

    var allObjects: [(Resource, JSON)] { state.withLock { $0.store.all } }

    /// Stores a new object (ADDED) unless one with its name exists.
    @discardableResult
    func create(_ resource: Resource, _ object: JSON) -> JSON? {
        state.withLock { state in
            let metadata = object["metadata"]
            guard state.store.get(resource, metadata?["namespace"]?.string ?? "", metadata?["name"]?.string ?? "") == nil
            else { return nil }
            let event = state.store.put(resource, object, type: "ADDED")
            Self.notify(event, &state)
            return event.object
        }
    }

    /// Applies `change` to the current object and stores it as a MODIFIED event. Returns nil if the object is gone
    /// or `change` returns false (nothing to change).
    @discardableResult
    func update(_ resource: Resource, _ namespace: String, _ name: String,
                _ change: (inout JSON) throws(APIError) -> Bool) throws(APIError) -> JSON? {
        try state.withLock { (state) throws(APIError) -> JSON? in
            guard var object = state.store.get(resource, namespace, name) else { return nil }
            guard try change(&object) else { return nil }
            let event = state.store.put(resource, object, type: "MODIFIED")
            Self.notify(event, &state)
            return event.object
        }
    }

    /// Same as ``update(_:_:_:_:)`` for changes that cannot fail.
    @discardableResult
    func modify(_ resource: Resource, _ namespace: String, _ name: String, _ change: (inout JSON) -> Bool) -> JSON? {
        state.withLock { state in
            guard var object = state.store.get(resource, namespace, name), change(&object) else { return nil }
            let event = state.store.put(resource, object, type: "MODIFIED")
            Self.notify(event, &state)
            return event.object
        }
    }

    /// Removes an object (DELETED, with a new resourceVersion) and lets the garbage collector look at dependents.
    @discardableResult
    func remove(_ resource: Resource, _ namespace: String, _ name: String) -> JSON? {
        let removed = state.withLock { state -> JSON? in
            guard let event = state.store.remove(resource, namespace, name) else { return nil }
            Self.notify(event, &state)
            return event.object
        }
        if let removed, let handler = removalHandler.withLock({ $0 }) { handler(resource, removed) }
        return removed
    }

    private static func notify(_ event: WatchEvent, _ state: inout State) {
        let namespace = event.object["metadata"]?["namespace"]?.string
        for watcher in state.watchers.values where watcher.resource == event.resource
            && (watcher.namespace == nil || watcher.namespace == namespace) && watcher.selector.matches(event.object) {
            watcher.sink.send(event.line)
        }
    }

    /// Starts a watch (README items 7, 8, 11). Returns false when the resourceVersion was too old: the sink then
    /// got the single ERROR event of errors/31 and was finished.
    func startWatch(_ watcher: Watcher, from resourceVersion: Int?) -> (started: Bool, startResourceVersion: Int) {
        state.withLock { state in
            let store = state.store
            if let resourceVersion, resourceVersion < store.oldestWatchable {
                let status = APIError(code: 410, reason: "Expired",
                                      message: "too old resource version: \(resourceVersion) (\(store.oldestWatchable))").status
                watcher.sink.send(JSON.obj(["type": .string("ERROR"), "object": status]).text + "\n")
                watcher.sink.finish()
                return (false, resourceVersion)
            }
            if let resourceVersion {
                for event in store.history where event.resourceVersion > resourceVersion && event.resource == watcher.resource
                    && (watcher.namespace == nil || watcher.namespace == event.object["metadata"]?["namespace"]?.string)
                    && watcher.selector.matches(event.object) {
                    watcher.sink.send(event.line)
                }
            } else {
                for object in store.list(watcher.resource, namespace: watcher.namespace) where watcher.selector.matches(object) {
                    let event = WatchEvent(type: "ADDED", resource: watcher.resource, object: object, resourceVersion: 0)
                    watcher.sink.send(event.line)
                }
            }
            state.watchers[watcher.sink.id] = watcher
            return (true, resourceVersion ?? store.resourceVersion)
        }
    }

    func stopWatch(_ id: Int) {
        _ = state.withLock { $0.watchers.removeValue(forKey: id) }
    }

    /// Makes every resourceVersion issued so far too old for watches and lists.
    func compact() { state.withLock { $0.store.compact() } }
}
