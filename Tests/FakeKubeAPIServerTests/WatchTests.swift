import Foundation
import Testing
import FakeKubeAPIServer

/// Watch semantics of README items 7–11.
@Suite struct WatchTests {
    @Test func tooOldResourceVersionIsOneErrorEvent() async throws {
        try await withServer { _, client in
            let lines = await (try client.stream("/api/v1/namespaces/k8svm-rec/pods?watch=1&resourceVersion=1&allowWatchBookmarks=true")).lines()
            #expect(lines == ["{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"too old resource version: 1 (1000)\",\"reason\":\"Expired\",\"code\":410}}"])
        }
    }

    @Test func bookmarksOnlyWhenAllowedAndAfterActivity() async throws {
        try await withServer { _, client in
            let created = try await client.send(try Recording("watch-semantics/01-POST-pod-existing-before-watches.http"))
            let rv = (created.json["metadata"] as! [String: Any])["resourceVersion"] as! String
            let with = try client.stream("/api/v1/namespaces/k8svm-rec/pods?watch=1&fieldSelector=metadata.name%3Drec-ws-quiet&resourceVersion=\(rv)&allowWatchBookmarks=true&timeoutSeconds=3")
            let without = try client.stream("/api/v1/namespaces/k8svm-rec/pods?watch=1&fieldSelector=metadata.name%3Drec-ws-quiet&resourceVersion=\(rv)&timeoutSeconds=3")
            let start = Date()
            let bookmarked = (await with.lines()).filter { $0.contains("BOOKMARK") }
            #expect(Date().timeIntervalSince(start) < 4.5)
            #expect(bookmarked.count == 2)
            let recorded = try Recording("watch-semantics/03-WATCH-quiet-name-timeoutSeconds-15-bookmarks.http").streamLines
                .first { $0.contains("BOOKMARK") }!
            #expect(bookmarked.first?.replacingOccurrences(of: #""resourceVersion":"\d+""#, with: "RV", options: .regularExpression)
                    == recorded.replacingOccurrences(of: #""resourceVersion":"\d+""#, with: "RV", options: .regularExpression))
            #expect(!(await without.lines()).contains { $0.contains("BOOKMARK") })
        }
    }

    @Test func resourceVersionZeroGivesSyntheticAdded() async throws {
        try await withServer { _, client in
            let created = try await client.send(try Recording("watch-semantics/01-POST-pod-existing-before-watches.http"))
            let rv = (created.json["metadata"] as! [String: Any])["resourceVersion"] as! String
            let zero = await (try client.stream("/api/v1/namespaces/k8svm-rec/pods?watch=1&resourceVersion=0&timeoutSeconds=1")).lines()
            #expect(zero.first.map { parse($0)["type"] as? String } == "ADDED")
            let fromCreate = await (try client.stream("/api/v1/namespaces/k8svm-rec/pods?watch=1&resourceVersion=\(rv)&timeoutSeconds=1")).lines()
            #expect(!fromCreate.isEmpty && !fromCreate.contains { $0.hasPrefix("{\"type\":\"ADDED\"") })
        }
    }

    @Test func dropStreamsClosesWatches() async throws {
        try await withServer { server, client in
            let watch = try client.stream("/api/v1/namespaces/k8svm-rec/pods?watch=1")
            try await Task.sleep(nanoseconds: 300_000_000)
            server.dropStreams()
            _ = await watch.lines()
            #expect(server.requests.first?.isStream == true)
        }
    }
}
