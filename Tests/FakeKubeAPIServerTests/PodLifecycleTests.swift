import Foundation
import Testing
import FakeKubeAPIServer

/// Pods run through the fake kubelet, compared with pod-success/, pod-exit-3/ and pod-graceful-delete/.
@Suite struct PodLifecycleTests {
    /// (type, phase, container state) of each pod event of a recorded or received watch.
    private func summary(_ lines: [String]) -> [String] {
        lines.map(parse).filter { $0["type"] as? String != "BOOKMARK" }.map { event in
            let object = event["object"] as? [String: Any] ?? [:]
            let status = object["status"] as? [String: Any] ?? [:]
            let state = ((status["containerStatuses"] as? [[String: Any]])?.first?["state"] as? [String: Any])?.keys.first ?? "-"
            let grace = ((object["metadata"] as? [String: Any])?["deletionGracePeriodSeconds"] as? Int).map { "grace=\($0)" } ?? ""
            return "\(event["type"] as? String ?? "") \(status["phase"] as? String ?? "") \(state) \(grace)"
        }
    }

    private func ignoringVolatile(_ object: [String: Any]) -> Set<String> {
        shape(object).filter { !$0.hasPrefix("metadata.managedFields") }
    }

    private func runToEnd(_ scenario: String, secretFile: String, exit expected: Int) async throws {
        try await withServer { server, client in
            let createRecording = try Recording("\(scenario)/01-POST-pod.http")
            let created = try await client.send(createRecording)
            #expect(created.status == 201)
            #expect(ignoringVolatile(created.json) == ignoringVolatile(parse(createRecording.responseBody)))
            let metadata = created.json["metadata"] as! [String: Any]
            let name = metadata["name"] as! String
            let watchRecording = try Recording("\(scenario)/02-WATCH-pod.http")
            let rv = metadata["resourceVersion"] as! String
            let watch = try client.stream(watchRecording.target.replacingOccurrences(
                of: #"resourceVersion=\d+"#, with: "resourceVersion=\(rv)", options: .regularExpression) + "&timeoutSeconds=12")
            let secretRecording = try Recording("\(scenario)/\(secretFile)")
            let secretBody = secretRecording.requestBody!.replacingOccurrences(
                of: #""uid": "[^"]+""#, with: "\"uid\": \"\(metadata["uid"] as! String)\"", options: .regularExpression)
            let secret = try await client.send("POST", secretRecording.target, body: secretBody)
            #expect(secret.status == 201)
            #expect(secret.json["data"] as? [String: String] == parse(secretRecording.responseBody)["data"] as? [String: String])
            #expect(secret.json["type"] as? String == "Opaque" && secret.json["stringData"] == nil)
            let podPath = "/api/v1/namespaces/k8svm-rec/pods/\(name)"
            #expect(try await eventually {
                let phase = (try await client.send("GET", podPath).json["status"] as? [String: Any])?["phase"] as? String
                return phase == "Succeeded" || phase == "Failed"
            })
            let final = try await client.send("GET", podPath).json
            let terminated = (((final["status"] as? [String: Any])?["containerStatuses"] as? [[String: Any]])?.first?["state"]
                as? [String: Any])?["terminated"] as? [String: Any]
            #expect(terminated?["exitCode"] as? Int == expected)
            #expect(terminated?["reason"] as? String == (expected == 0 ? "Completed" : "Error"))
            let recordedLog = try Recording("\(scenario)/06-GET-log-after-exit.http").responseBody
            let log = try await client.send("GET", podPath + "/log?container=chaincode", accept: "*/*")
            #expect(log.header("Content-Type") == "text/plain" && log.header("Transfer-Encoding") == "chunked")
            // Same lines, except the shell's own output about the user and the files (not run as 65532 here).
            #expect(log.body.split(separator: "\n").dropFirst() == recordedLog.split(separator: "\n").dropFirst())
            let events = try await client.send("GET", "/api/v1/namespaces/k8svm-rec/events?fieldSelector=involvedObject.name%3D\(name)")
            let recordedEvents = parse(try Recording("\(scenario)/08-LIST-events-for-pod.http").responseBody)
            let reasons = { (list: [String: Any]) in ((list["items"] as? [[String: Any]]) ?? []).compactMap { $0["reason"] as? String } }
            #expect(reasons(events.json) == reasons(recordedEvents))
            let deleted = try await client.send(try Recording("\(scenario)/10-DELETE-pod-grace0.http"))
            #expect(deleted.status == 200)
            #expect((deleted.json["metadata"] as? [String: Any])?["deletionGracePeriodSeconds"] as? Int == 0)
            #expect(try await eventually(seconds: 2) {
                try await client.send("GET", "/api/v1/namespaces/k8svm-rec/secrets/\(parse(secretBody)["metadata"].flatMap { ($0 as? [String: Any])?["name"] as? String } ?? "")").status == 404
            })
            let received = summary(await watch.lines())
            #expect(received == summary(watchRecording.streamLines), "\(received)")
            _ = server
        }
    }

    @Test func podThatExitsZero() async throws {
        try await runToEnd("pod-success", secretFile: "03-POST-secret-owned-by-pod.http", exit: 0)
    }

    @Test func podThatExitsThree() async throws {
        try await runToEnd("pod-exit-3", secretFile: "03-POST-secret-owned-by-pod.http", exit: 3)
    }

    @Test func gracefulDeleteOrder() async throws {
        try await withServer { _, client in
            let created = try await client.send(try Recording("pod-graceful-delete/01-POST-pod.http"))
            let rv = (created.json["metadata"] as! [String: Any])["resourceVersion"] as! String
            let watch = try client.stream("/api/v1/namespaces/k8svm-rec/pods?watch=1&fieldSelector=metadata.name%3Drec-graceful&resourceVersion=\(rv)&timeoutSeconds=6")
            #expect(try await eventually {
                (try await client.send("GET", "/api/v1/namespaces/k8svm-rec/pods/rec-graceful").json["status"] as? [String: Any])?["phase"] as? String == "Running"
            })
            try await Task.sleep(nanoseconds: 500_000_000)
            let deleted = try await client.send(try Recording("pod-graceful-delete/04-DELETE-pod-grace5.http"))
            #expect((deleted.json["metadata"] as? [String: Any])?["deletionGracePeriodSeconds"] as? Int == 5)
            #expect(try await eventually(seconds: 5) {
                try await client.send("GET", "/api/v1/namespaces/k8svm-rec/pods/rec-graceful").status == 404
            })
            let recorded = summary(try Recording("pod-graceful-delete/02-WATCH-pod.http").streamLines)
            #expect(summary((await watch.lines())) == recorded)
        }
    }

    @Test func sigtermIgnoredIsKilledAfterGrace() async throws {
        try await withServer { _, client in
            let created = try await client.send(try Recording("pod-graceful-delete-sigterm-ignored/01-POST-pod.http"))
            let rv = (created.json["metadata"] as! [String: Any])["resourceVersion"] as! String
            let watch = try client.stream("/api/v1/namespaces/k8svm-rec/pods?watch=1&fieldSelector=metadata.name%3Drec-ignores-term&resourceVersion=\(rv)&timeoutSeconds=7")
            #expect(try await eventually {
                (try await client.send("GET", "/api/v1/namespaces/k8svm-rec/pods/rec-ignores-term").json["status"] as? [String: Any])?["phase"] as? String == "Running"
            })
            try await Task.sleep(nanoseconds: 300_000_000)
            _ = try await client.send(try Recording("pod-graceful-delete-sigterm-ignored/03-DELETE-pod-grace3.http"))
            let lines = (await watch.lines())
            #expect(summary(lines) == summary(try Recording("pod-graceful-delete-sigterm-ignored/02-WATCH-pod.http").streamLines))
            #expect(lines.contains { $0.contains("\"exitCode\":137,\"reason\":\"Error\"") })
        }
    }

    @Test func imageMissingAlternatesAndLogsAre400() async throws {
        try await withServer { _, client in
            let created = try await client.send(try Recording("pod-image-missing/01-POST-pod.http"))
            #expect(created.status == 201)
            let waiting = try Recording("pod-image-missing/05-GET-log-while-ImagePullBackOff.http")
            #expect(try await eventually {
                try await client.send("GET", waiting.target, accept: "*/*").body == waiting.responseBody
            })
            let follow = try Recording("pod-image-missing/06-GET-log-follow-while-waiting.http")
            #expect(try await client.send("GET", follow.target, accept: "*/*").body == follow.responseBody)
            let events = try await client.send(try Recording("pod-image-missing/08-LIST-events-for-pod.http")).json
            let reasons = Set(((events["items"] as? [[String: Any]]) ?? []).compactMap { $0["reason"] as? String })
            #expect(reasons == ["Scheduled", "Pulling", "Failed", "BackOff"])
        }
    }

    /// The kubelet's expansion: `$(NAME)` of a variable defined earlier in `env` (or anywhere, in command and args),
    /// `$$` to `$`; an unknown or later name, and any other `$`, as written.
    @Test func variablesInEnvCommandAndArgsAreExpandedAsTheKubeletDoes() async throws {
        try await withServer { _, client in
            let pod = #"""
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "expansion"},
                 "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "127.0.0.1:5000/ceo/busybox",
                   "command": ["/bin/sh", "-c", "echo \"B=$B C=$C zero=$0\""], "args": ["$(A)-$$(A)-$(C)"],
                   "env": [{"name": "A", "value": "one"}, {"name": "B", "value": "$(A)/$$(A)/$(NOPE)/$/$(A"},
                           {"name": "C", "value": "$(D)"}, {"name": "D", "value": "four"}]}]}}
                """#
            #expect(try await client.send("POST", "/api/v1/namespaces/k8svm-rec/pods", body: pod).status == 201)
            let path = "/api/v1/namespaces/k8svm-rec/pods/expansion"
            #expect(try await eventually {
                (try await client.send("GET", path).json["status"] as? [String: Any])?["phase"] as? String == "Succeeded"
            })
            let log = try await client.send("GET", path + "/log", accept: "*/*").body
            #expect(log == "B=one/$(A)/$(NOPE)/$/$(A C=$(D) zero=one-$(A)-$(D)\n")
        }
    }

    @Test func oomKillHook() async throws {
        try await withServer { server, client in
            _ = try await client.send(try Recording("pod-graceful-delete/01-POST-pod.http"))
            #expect(try await eventually {
                (try await client.send("GET", "/api/v1/namespaces/k8svm-rec/pods/rec-graceful").json["status"] as? [String: Any])?["phase"] as? String == "Running"
            })
            server.oomKill(pod: "rec-graceful", namespace: "k8svm-rec")
            #expect(try await eventually {
                try await client.send("GET", "/api/v1/namespaces/k8svm-rec/pods/rec-graceful").body.contains("\"exitCode\":137,\"reason\":\"OOMKilled\"")
            })
        }
    }
}
