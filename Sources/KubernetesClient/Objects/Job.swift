/// A batch/v1 Job: a Pod that runs to completion (the stage-1 image build).
public struct Job: KubernetesResource, Equatable {
    public static let apiVersion = "batch/v1"
    public static let kind = "Job"
    public static let plural = "jobs"

    /// `Job.spec`: one Pod, run once, bounded in time.
    public struct Spec: Codable, Sendable, Equatable {
        /// The Pod the Job runs: its labels and spec.
        public struct Template: Codable, Sendable, Equatable {
            public var metadata: ObjectMeta?
            public var spec: PodSpec

            public init(metadata: ObjectMeta? = nil, spec: PodSpec) {
                self.metadata = metadata
                self.spec = spec
            }
        }

        public var template: Template
        public var backoffLimit: Int?
        public var activeDeadlineSeconds: Int?
        public var ttlSecondsAfterFinished: Int?

        public init(template: Template) {
            self.template = template
        }
    }

    /// `Job.status`: counts and the final condition.
    public struct Status: Codable, Sendable, Equatable {
        public var active: Int?
        public var succeeded: Int?
        public var failed: Int?
        public var conditions: [PodCondition]?
    }

    /// Set on what K8sVM sends; list items come without it.
    public var apiVersion: String? = Job.apiVersion
    public var kind: String? = Job.kind
    public var metadata: ObjectMeta
    public var spec: Spec?
    public var status: Status?

    public init(metadata: ObjectMeta, spec: Spec) {
        self.metadata = metadata
        self.spec = spec
    }
}
