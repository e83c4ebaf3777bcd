import ChaincodeArchive
import Foundation
import K8sVMCore
import OCIRegistry

/// One stage-1 build: a source package compiled in a ccenv image into one output layer.
public struct StageOneJob: Sendable {
    /// The package label (`metadata.json` `label`), for messages and object names.
    public var label: String
    /// `golang`, `node` or `java`.
    public var type: ChaincodeType
    /// `metadata.json` `path` (where a Go package's main package is); passed as `K8SVM_CHAINCODE_PATH`.
    public var path: String
    /// How the compile step builds it, passed as its variables (`SourceBuildPlan.stageOneVariables`).
    public let plan: SourceBuildPlan
    /// The source served to the build container: the peer's SRC_DIR (the untarred `code.tar.gz`), checked and packed
    /// reproducibly (`DirectoryArchive`), so its digest identifies the source.
    public let source: Data
    /// The ccenv image (`REGISTRY/k8svm/ccenv-golang:VERSION`, best by digest).
    public var builderImage: String
    /// How long the build may take; it is stopped after that.
    public var timeout: Duration
    /// Where the received output layer (tar.gz) is written; an existing file is replaced.
    public var layerFile: String

    /// Decides how `sourceDirectory` is built (`SourceBuildPlan`) and packs it; a package that is not what `type` says
    /// is an error naming what is missing, before anything is started.
    public init(label: String, type: ChaincodeType, path: String, sourceDirectory: String, builderImage: String,
                timeout: Duration, layerFile: String) throws {
        plan = try SourceBuildPlan.decide(sourceDirectory: sourceDirectory, type: type, path: path)
        self.label = label
        self.type = type
        self.path = path
        self.source = try DirectoryArchive.create(from: sourceDirectory)
        self.builderImage = builderImage
        self.timeout = timeout
        self.layerFile = layerFile
    }
}

/// Runs stage 1 somewhere (a Kubernetes Job, the local Docker engine) under one container contract
/// (`builder-images/stage1/k8svm-stage1`): the container gets the source from a one-time URL, uploads the layer to
/// another and reports the layer's digests in its termination message.
///
/// A job's source was checked when the job was made. A runner streams the build log to its log
/// sink while the build runs, stops the build after `job.timeout`, and leaves no container, Job or Pod behind
/// (unless configured to keep a failed one). Errors are `K8sVMError`s a user can act on.
public protocol StageOneRunner: Sendable {
    /// The output layer, verified: its digest is the sha256 of the bytes received in `job.layerFile`.
    func run(_ job: StageOneJob) async throws -> LayerBlob
}
