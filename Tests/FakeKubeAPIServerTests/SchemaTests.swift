import Foundation
import Testing
import FakeKubeAPIServer

/// Bodies checked against the OpenAPI schemas of Tests/KubernetesFixtures/k8s-openapi.
@Suite struct SchemaTests {
    private func pod(_ change: (inout [String: Any]) -> Void) throws -> String {
        var body = parse(try Recording("errors/05-POST-pod-first-201.http").requestBody!)
        change(&body)
        return String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
    }

    @Test func unknownFieldIsRejectedEvenWithoutStrict() async throws {
        try await withServer { server, client in
            let recording = try Recording("errors/12-POST-pod-unknown-fields-Strict-400.http")
            let response = try await client.send("POST", "/api/v1/namespaces/k8svm-rec/pods", body: recording.requestBody)
            #expect(response.status == 400)
            #expect(response.body == recording.responseBody)
            #expect(server.rejectedObjects().first?.contains("unknown field \"spec.bogusField\"") == true)
        }
    }

    @Test func wrongTypeIsRejected() async throws {
        try await withServer { _, client in
            let body = try pod { body in
                var spec = body["spec"] as! [String: Any]
                spec["hostNetwork"] = "yes"
                body["spec"] = spec
            }
            let response = try await client.send("POST", "/api/v1/namespaces/k8svm-rec/pods", body: body)
            #expect(response.status == 400)
            #expect(response.json["message"] as? String
                    == "Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool")
        }
    }

    @Test func semanticChecksGive422WithCauses() async throws {
        try await withServer { _, client in
            let body = try pod { body in
                var spec = body["spec"] as! [String: Any]
                var containers = spec["containers"] as! [[String: Any]]
                containers[0]["name"] = "Bad_Container"
                containers[0]["env"] = [["name": "1BAD", "value": "x"]]
                containers[0]["volumeMounts"] = [["name": "nope", "mountPath": "/x"]]
                spec["containers"] = containers
                body["spec"] = spec
                var metadata = body["metadata"] as! [String: Any]
                metadata["labels"] = ["bad key!": "v"]
                body["metadata"] = metadata
            }
            let response = try await client.send("POST", "/api/v1/namespaces/k8svm-rec/pods", body: body)
            #expect(response.status == 422)
            let causes = ((response.json["details"] as? [String: Any])?["causes"] as? [[String: Any]]) ?? []
            let fields = Set(causes.compactMap { $0["field"] as? String })
            #expect(fields == ["metadata.labels", "spec.containers[0].name", "spec.containers[0].env[0].name",
                               "spec.containers[0].volumeMounts[0].name"])
        }
    }

    @Test func secretDataMustBeBase64() async throws {
        try await withServer { _, client in
            let response = try await client.send("POST", "/api/v1/namespaces/k8svm-rec/secrets",
                                           body: #"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"k":"not base64!"}}"#)
            #expect(response.status == 400)
            #expect((response.json["message"] as? String)?.contains("illegal base64 data at input byte 3") == true)
        }
    }
}
