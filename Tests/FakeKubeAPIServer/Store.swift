import Foundation

/// One change to an object, as a watch event carries it (README item 9: every change is its own event).
struct WatchEvent: Sendable {
    let type: String
    let resource: Resource
    let object: JSON
    let resourceVersion: Int

    var line: String { JSON.obj(["type": .string(type), "object": object]).text + "\n" }
}

/// The objects of the fake cluster, with one global, strictly increasing resourceVersion counter and the history
/// of changes watches replay from. Not thread-safe: ``Cluster`` guards it.
struct Store {
    /// The first resourceVersion this fake issues; a watch from before it is "too old" (errors/31).
    static let firstResourceVersion = 1000

    private(set) var resourceVersion = Store.firstResourceVersion - 1
    /// The oldest resourceVersion a watch may start from; raised by ``compact()``.
    private(set) var oldestWatchable = Store.firstResourceVersion
    private var objects: [Resource: [String: [String: JSON]]] = [:]
    private(set) var history: [WatchEvent] = []
    /// Latest resourceVersion per resource, for bookmarks (README item 10).
    private(set) var latestByResource: [Resource: Int] = [:]

    mutating func nextResourceVersion() -> Int {
        resourceVersion += 1
        return resourceVersion
    }

    func get(_ resource: Resource, _ namespace: String, _ name: String) -> JSON? {
        objects[resource]?[namespace]?[name]
    }

    /// Objects of a namespace (or all namespaces), ordered like etcd keys: namespace, then name.
    func list(_ resource: Resource, namespace: String?) -> [JSON] {
        let byNamespace = objects[resource] ?? [:]
        let namespaces = namespace.map { [$0] } ?? byNamespace.keys.sorted()
        return namespaces.flatMap { ns in
            (byNamespace[ns] ?? [:]).sorted { $0.key < $1.key }.map(\.value)
        }
    }

    /// Every object of every resource (for garbage collection).
    var all: [(Resource, JSON)] {
        objects.flatMap { resource, byNamespace in byNamespace.values.flatMap { $0.values.map { (resource, $0) } } }
    }

    /// Stores a new or changed object under a fresh resourceVersion and returns the event.
    mutating func put(_ resource: Resource, _ object: JSON, type: String) -> WatchEvent {
        var object = object
        let rv = nextResourceVersion()
        object["metadata"]?["resourceVersion"] = .string(String(rv))
        let namespace = object["metadata"]?["namespace"]?.string ?? ""
        let name = object["metadata"]?["name"]?.string ?? ""
        objects[resource, default: [:]][namespace, default: [:]][name] = object
        return record(WatchEvent(type: type, resource: resource, object: object, resourceVersion: rv))
    }

    /// Removes an object; its DELETED event carries the last state with a new resourceVersion (pod-success/02).
    mutating func remove(_ resource: Resource, _ namespace: String, _ name: String) -> WatchEvent? {
        guard var object = objects[resource]?[namespace]?.removeValue(forKey: name) else { return nil }
        let rv = nextResourceVersion()
        object["metadata"]?["resourceVersion"] = .string(String(rv))
        return record(WatchEvent(type: "DELETED", resource: resource, object: object, resourceVersion: rv))
    }

    private mutating func record(_ event: WatchEvent) -> WatchEvent {
        history.append(event)
        latestByResource[event.resource] = event.resourceVersion
        return event
    }

    /// Makes every resourceVersion issued so far too old (etcd compaction plus a watch cache that moved on).
    mutating func compact() {
        oldestWatchable = resourceVersion + 1
        history.removeAll()
    }
}
