import K8sVMCore

/// What a source package's language needs from `builder-images/`: the ccenv image that compiles it (stage 1) and the
/// runtime base its output is laid onto (stage 2), both as `builder-images/build.sh` names and pushes them.
struct BuildLanguage: Sendable, Equatable {
    var ccenvImage: String
    var runtimeImage: String

    init(_ type: ChaincodeType) throws {
        switch type {
        case .golang: (ccenvImage, runtimeImage) = ("ccenv-golang", "runtime-go")
        case .node: (ccenvImage, runtimeImage) = ("ccenv-node", "runtime-node")
        case .java: (ccenvImage, runtimeImage) = ("ccenv-java", "runtime-java")
        case .binary, .image:
            throw K8sVMError("\(type.rawValue) packages are not built from source (the kubernetes backend builds golang, node and java)")
        }
    }

    /// Where every runtime base keeps the chaincode's start script, its working directory, and its user.
    static let entrypoint = ["/k8svm/bin/start"]
    static let workingDirectory = "/k8svm/chaincode"
    static let user = "1000:1000"
}
