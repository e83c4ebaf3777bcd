import K8sVMCore
import KubernetesClient

extension PodTemplate {
    /// The template a setting names (nil when it is empty); one that cannot be used is a `K8sVMError` naming the
    /// setting, the file and the key.
    static func configured(_ file: String, setting: String, containerName: String) throws -> PodTemplate? {
        guard !file.isEmpty else { return nil }
        do {
            return try PodTemplate.load(file: file, containerName: containerName)
        } catch {
            throw K8sVMError("\(setting): \(error)", cause: error)
        }
    }
}
