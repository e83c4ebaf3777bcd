import K8sVMCore

/// The Kubernetes backend's build record: the image a chaincode Pod runs, pinned by digest.
public struct KubernetesBuild: Codable, Sendable, Equatable {
    public var image: ImageReference
    /// Arguments for the image's entrypoint; `${VAR}` names one of the shim's variables. Images built by K8sVM and
    /// image packages start with none.
    public var arguments: [String]

    public init(image: ImageReference, arguments: [String] = []) {
        self.image = image
        self.arguments = arguments
    }
}
