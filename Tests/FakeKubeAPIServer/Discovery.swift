/// The discovery endpoints, answered with the recorded bodies of `discovery/` (README "Index of scenarios").
enum Discovery {
    private static let files: [String: (file: String, contentType: String)] = [
        "/version": ("discovery/01-GET-version.http", "application/json"),
        "/api": ("discovery/02-GET-api.http", "application/json"),
        "/api/v1": ("discovery/03-GET-api-v1.http", "application/json"),
        "/apis": ("discovery/04-GET-apis.http", "application/json"),
        "/apis/batch/v1": ("discovery/05-GET-apis-batch-v1.http", "application/json"),
        "/apis/authorization.k8s.io/v1": ("discovery/06-GET-apis-authorization-v1.http", "application/json"),
        "/readyz": ("discovery/07-GET-readyz.http", "text/plain; charset=utf-8"),
        "/livez": ("discovery/08-GET-livez-verbose.http", "text/plain; charset=utf-8"),
    ]

    static func reply(for path: String) -> Reply? {
        guard let entry = files[path], let body = try? KubernetesFixtures.recordedBody(entry.file) else { return nil }
        return .raw(status: 200, body: body, contentType: entry.contentType)
    }
}
