import Logging

/// K8sVM's one logging path: everything k8svm itself says goes through swift-log, and the executable bootstraps
/// ``StandardErrorLogHandler`` so that it reaches the peer's log as one line per event.
public enum K8sVMLog {
    /// k8svm's own lines (`k8svm run: …`).
    public static let logger = Logger(label: "k8svm")
    /// The chaincode's log lines that k8svm forwards (a Pod's log, a build container's output).
    public static let chaincode = Logger(label: "k8svm.chaincode")

    /// Sends every logger of the process to stderr in the peer's one-line format; called once, first thing in main.
    public static func bootstrap() {
        LoggingSystem.bootstrap { StandardErrorLogHandler(label: $0) }
    }

    /// Logs one of k8svm's own lines.
    @Sendable public static func line(_ text: String) {
        logger.info("\(text)")
    }

    /// Forwards one line of the chaincode's (or a build container's) output.
    @Sendable public static func chaincodeLine(_ text: String) {
        chaincode.info("\(text)")
    }
}
