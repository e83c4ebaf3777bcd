/// How stage 1 compiles a source package: the plan of its language, decided once before any build starts (a package
/// that is not what its `metadata.json` type says is refused here, naming what is missing), and handed to the
/// stage-1 container's compile step as variables, so that the scripts decide nothing.
public enum SourceBuildPlan: Sendable, Equatable {
    case golang(GoBuildPlan)
    case node(NodeBuildPlan)
    case java(JavaBuildPlan)

    /// The plan for the package in `sourceDirectory` (the peer's SRC_DIR) of `type` with `metadata.json` `path`.
    public static func decide(sourceDirectory: String, type: ChaincodeType, path: String) throws -> SourceBuildPlan {
        switch type {
        case .golang: .golang(try GoBuildPlan.decide(sourceDirectory: sourceDirectory, path: path))
        case .node: .node(try NodeBuildPlan.decide(sourceDirectory: sourceDirectory))
        case .java: .java(try JavaBuildPlan.decide(sourceDirectory: sourceDirectory))
        case .binary, .image:
            throw K8sVMError("\(type.rawValue) packages are not built from source (stage 1 builds: golang, node, java)")
        }
    }

    /// The compile step's variables.
    public var stageOneVariables: [(String, String)] {
        switch self {
        case .golang(let plan): plan.stageOneVariables
        case .node(let plan): plan.stageOneVariables
        case .java(let plan): plan.stageOneVariables
        }
    }
}
