import Foundation

/// `GET pods/NAME/log` (README item 6): 400 while the container waits (pod-image-missing/03–06, also with
/// `follow=true`), for an unknown container (errors/07) or `previous=true` (errors/08); otherwise text/plain,
/// followed live with `follow=true`.
extension Kubelet {
    func logs(namespace: String, pod name: String, _ parameters: [String: String]) throws(APIError) -> Reply {
        guard let pod = cluster.get(.pods, namespace, name) else { throw .notFound(.pods, name) }
        let containers = pod["spec"]?["containers"]?.array?.compactMap { $0["name"]?.string } ?? []
        guard let container = parameters["container"] ?? (containers.count == 1 ? containers.first : nil) else {
            throw .badRequest("a container name must be specified for pod \(name), choose one of: [\(containers.joined(separator: " "))]")
        }
        guard containers.contains(container) else { throw .badRequest("container \(container) is not valid for pod \(name)") }
        if parameters["previous"] == "true" || parameters["previous"] == "1" {
            throw .badRequest("previous terminated container \"\(container)\" in pod \"\(name)\" not found")
        }
        let state = pod["status"]?["containerStatuses"]?.array?.first { $0["name"]?.string == container }?["state"]
        if state?["running"] == nil && state?["terminated"] == nil {
            let reason = state?["waiting"]?["reason"]?.string ?? "ContainerCreating"
            let text = switch reason {
            case "ErrImagePull": "image can't be pulled"
            case "ImagePullBackOff": "trying and failing to pull image"
            default: reason
            }
            throw .badRequest("container \"\(container)\" in pod \"\(name)\" is waiting to start: \(text)")
        }
        guard let runtime = runtime(namespace, name) else { throw .notFound(.pods, name) }
        let timestamps = parameters["timestamps"] == "true" || parameters["timestamps"] == "1"
        if parameters["follow"] == "true" || parameters["follow"] == "1" {
            return .stream(contentType: "text/plain") { sink in runtime.log.follow(sink, timestamps: timestamps) }
        }
        return .raw(status: 200, body: runtime.log.text(timestamps: timestamps, tailLines: parameters["tailLines"].flatMap(Int.init)),
                    contentType: "text/plain")
    }

    /// Drops a removed pod's runtime: its log streams end and its scratch files go.
    func forget(_ namespace: String, _ name: String) {
        guard let runtime = forgetRuntime(namespace, name) else { return }
        runtime.log.close()
        try? FileManager.default.removeItem(at: runtime.scratch)
    }
}
