import Foundation
import Testing
import FakeKubeAPIServer

/// The simulated job controller against job-success/, job-failed/ and job-deadline/.
@Suite struct JobTests {
    private func finalCondition(_ client: Client, _ name: String) async throws -> [String: Any]? {
        var condition: [String: Any]?
        _ = try await eventually(seconds: 20) {
            let job = try await client.send("GET", "/apis/batch/v1/namespaces/k8svm-rec/jobs/\(name)").json
            condition = ((job["status"] as? [String: Any])?["conditions"] as? [[String: Any]])?.first
            return condition != nil
        }
        return condition
    }

    @Test func jobSucceedsAndBackgroundDeleteReturnsStatus() async throws {
        try await withServer { _, client in
            let recording = try Recording("job-success/01-POST-job.http")
            let created = try await client.send(recording)
            #expect(created.status == 201)
            #expect(shape(created.json).filter { !$0.hasPrefix("metadata.managedFields") }
                    == shape(parse(recording.responseBody)).filter { !$0.hasPrefix("metadata.managedFields") })
            let condition = try await finalCondition(client, "rec-job-ok")
            #expect(condition?["type"] as? String == "Complete" && condition?["reason"] == nil)
            let pods = try await client.send(try Recording("job-success/04-LIST-pods-by-job-name-label.http")).json["items"] as? [[String: Any]]
            let message = ((((pods?.first?["status"] as? [String: Any])?["containerStatuses"] as? [[String: Any]])?.first?["state"]
                as? [String: Any])?["terminated"] as? [String: Any])?["message"] as? String
            #expect(message == "{\"status\":\"ok\",\"packageId\":\"rec-cc:0123abcd\"}\n")
            let deleted = try await client.send(try Recording("job-success/07-DELETE-job-Background.http"))
            #expect(shape(deleted.json) == shape(parse(try Recording("job-success/07-DELETE-job-Background.http").responseBody)))
            #expect(try await eventually(seconds: 2) {
                (try await client.send(try Recording("job-success/08-LIST-pods-by-job-name-label-at-end.http")).json["items"] as? [Any])?.isEmpty == true
            })
        }
    }

    @Test func jobFailsWithBackoffLimitAndForegroundDelete() async throws {
        try await withServer { _, client in
            _ = try await client.send(try Recording("job-failed/01-POST-job.http"))
            let condition = try await finalCondition(client, "rec-job-fail")
            #expect(condition?["reason"] as? String == "BackoffLimitExceeded")
            let deleted = try await client.send(try Recording("job-failed/07-DELETE-job-Foreground.http")).json
            let metadata = deleted["metadata"] as? [String: Any]
            #expect(metadata?["finalizers"] as? [String] == ["foregroundDeletion"] && metadata?["generation"] as? Int == 2)
            #expect(try await eventually(seconds: 2) {
                try await client.send("GET", "/apis/batch/v1/namespaces/k8svm-rec/jobs/rec-job-fail").status == 404
            })
        }
    }

    @Test func jobDeadlineExceeded() async throws {
        try await withServer { _, client in
            _ = try await client.send(try Recording("job-deadline/01-POST-job.http"))
            let condition = try await finalCondition(client, "rec-job-deadline")
            #expect(condition?["reason"] as? String == "DeadlineExceeded")
            #expect(condition?["message"] as? String == "Job was active longer than specified deadline")
        }
    }
}
