import Foundation
import Testing
import FakeKubeAPIServer

/// Error answers compared byte for byte with the recorded Status bodies (errors/).
@Suite struct ErrorTests {
    @Test func recordedErrorsMatchExactly() async throws {
        try await withServer { server, client in
            #expect(try await client.send(try Recording("errors/05-POST-pod-first-201.http")).status == 201)
            for file in ["01-GET-missing-pod-404", "02-GET-log-of-missing-pod-404", "03-DELETE-missing-pod-404",
                         "04-POST-pod-into-missing-namespace-404", "06-POST-same-pod-again-409",
                         "07-GET-log-wrong-container-400", "08-GET-log-previous-container-none-400",
                         "09-POST-pod-invalid-name-422", "10-POST-pod-several-invalid-fields-422",
                         "12-POST-pod-unknown-fields-Strict-400", "13-POST-secret-duplicate-json-key-Strict-400",
                         "14-POST-pod-wrong-content-type-415", "15-POST-pod-malformed-json-400",
                         "16-LIST-pods-unsupported-fieldSelector-400"] {
                let recording = try Recording("errors/\(file).http")
                let response = try await client.send(recording)
                #expect(response.status == recording.status, "\(file)")
                #expect(response.body == recording.responseBody, "\(file)")
                #expect(response.header("Content-Length") != nil, "\(file): Status bodies carry Content-Length")
                #expect(response.header("X-Kubernetes-Pf-Flowschema-Uid") != nil)
            }
            #expect(server.rejectedObjects().count == 5)
        }
    }

    @Test func badTokenIs401WithoutFlowControlHeaders() async throws {
        try await withServer { server, client in
            let recording = try Recording("errors/20-GET-pods-bad-bearer-token-401.http")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            process.arguments = ["-sS", "-i", "--cacert", client.caFile.path, "-H", "Authorization: Bearer wrong", server.url + recording.target]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(text.hasPrefix("HTTP/1.1 401"))
            #expect(!text.contains("X-Kubernetes-Pf"))
            #expect(text.hasSuffix(recording.responseBody))
        }
    }

    @Test func pagingAndCompaction() async throws {
        try await withServer { server, client in
            for name in ["rec-dup", "rec-page-2", "rec-page-3"] {
                var body = parse(try Recording("errors/05-POST-pod-first-201.http").requestBody!)
                var metadata = body["metadata"] as! [String: Any]
                metadata["name"] = name
                body["metadata"] = metadata
                let text = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
                #expect(try await client.send("POST", "/api/v1/namespaces/k8svm-rec/pods", body: text).status == 201)
            }
            let first = try await client.send("GET", "/api/v1/namespaces/k8svm-rec/pods?limit=1")
            let metadata = first.json["metadata"] as! [String: Any]
            #expect(metadata["remainingItemCount"] as? Int == 2)
            let token = metadata["continue"] as! String
            var decoded = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            decoded += String(repeating: "=", count: (4 - decoded.count % 4) % 4)
            let tokenText = String(decoding: Data(base64Encoded: decoded)!, as: UTF8.self)
            #expect(tokenText.hasPrefix("{\"v\":\"meta.k8s.io/v1\",\"rv\":") && tokenText.hasSuffix(",\"start\":\"rec-dup\\u0000\"}"))
            let second = try await client.send("GET", "/api/v1/namespaces/k8svm-rec/pods?limit=1&continue=\(token)")
            #expect(((second.json["items"] as! [[String: Any]])[0]["metadata"] as! [String: Any])["name"] as? String == "rec-page-2")
            server.compact()
            let expired = try await client.send("GET", "/api/v1/namespaces/k8svm-rec/pods?limit=1&continue=\(token)")
            #expect(expired.status == 410)
            #expect(expired.json["message"] as? String == parse(try Recording("errors/29-LIST-pods-limit-1-continue-after-compaction-410.http").responseBody)["message"] as? String)
            let rv = metadata["resourceVersion"] as! String
            let exact = try await client.send("GET", "/api/v1/namespaces/k8svm-rec/pods?resourceVersion=\(rv)&resourceVersionMatch=Exact")
            #expect(exact.body == (try Recording("errors/30-LIST-pods-exact-old-resourceVersion-after-compaction-410.http")).responseBody)
        }
    }

    @Test func injectedFailuresCarryRetryAfter() async throws {
        try await withServer { server, client in
            server.failNext(2, status: 429, retryAfterSeconds: 1)
            let responses = [try await client.send("GET", "/api/v1/namespaces/k8svm-rec/pods"), try await client.send("GET", "/api/v1/namespaces/k8svm-rec/pods"), try await client.send("GET", "/api/v1/namespaces/k8svm-rec/pods")]
            #expect(responses[0].header("Retry-After") == "1")
            #expect(responses.map(\.status) == [429, 429, 200])
            #expect(server.requests.map(\.status) == [429, 429, 200])
        }
    }

    @Test func discoveryIsServedAsRecorded() async throws {
        try await withServer { _, client in
            for file in ["01-GET-version", "02-GET-api", "04-GET-apis", "05-GET-apis-batch-v1"] {
                let recording = try Recording("discovery/\(file).http")
                #expect(try await client.send(recording).body == recording.responseBody)
            }
        }
    }

    @Test func accessReviewsAllowUnlessDenied() async throws {
        try await withServer { server, client in
            server.deny(verb: "update", resource: "pods")
            let allowed = try await client.send(try Recording("rbac/07-POST-selfsubjectaccessreview-as-sa-create-pods-allowed.http"))
            #expect(allowed.status == 201)
            #expect((allowed.json["status"] as? [String: Any])?["allowed"] as? Bool == true)
            let denied = try await client.send(try Recording("rbac/09-POST-selfsubjectaccessreview-as-sa-update-pods-denied.http"))
            #expect(denied.body.hasSuffix(",\"status\":{\"allowed\":false}}\n"))
            #expect((denied.json["spec"] as? [String: Any]).map { shape($0) }
                    == shape(parse(try Recording("rbac/09-POST-selfsubjectaccessreview-as-sa-update-pods-denied.http").responseBody)["spec"]))
        }
    }
}
