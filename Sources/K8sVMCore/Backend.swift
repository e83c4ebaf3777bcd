/// Which implementation of the VM interface serves builds and launches.
public enum Backend: String, CaseIterable, Sendable {
    /// Chaincode runs as a local child process of `bin/run`.
    case local
    /// Chaincode is built into an image and runs as a Kubernetes Pod.
    case kubernetes
    /// Chaincode runs as a local process inside a bubblewrap sandbox.
    case sandbox
}
