import K8sVMCore

/// The names, labels and annotations of one peer's Pod for one chaincode package.
///
/// The Pod name is deterministic per peer + package, so a new `run` finds (and replaces) a stale Pod of an earlier
/// one; it fits a DNS-1123 label: `PREFIX-LABEL-HASH`, where HASH covers peer and package ID and LABEL is the
/// chaincode label, sanitised and shortened.
public struct ChaincodePodIdentity: Sendable, Equatable {
    public let podName: String
    public let secretName: String
    public let labels: [String: String]
    public let annotations: [String: String]

    /// The label every K8sVM chaincode Pod carries, to find them all.
    public static let managedByLabel = ("app.kubernetes.io/managed-by", "k8svm")

    public init(packageID: String, peerName: String, peerAddress: String, mspID: String, namePrefix: String) {
        let label = packageID.lastIndex(of: ":").map { String(packageID[..<$0]) } ?? packageID
        let hash = packageID.lastIndex(of: ":").map { String(packageID[packageID.index(after: $0)...]) } ?? ""
        let suffix = KubernetesNames.shortHash(peerName + "\n" + packageID)
        let room = 63 - namePrefix.count - suffix.count - 2 - "-tls".count
        let middle = KubernetesNames.sanitized(label, limit: room)
        podName = [namePrefix, middle, suffix].filter { !$0.isEmpty }.joined(separator: "-")
        secretName = podName + "-tls"
        labels = [
            Self.managedByLabel.0: Self.managedByLabel.1,
            "app.kubernetes.io/component": "chaincode",
            "k8svm.io/chaincode-label": KubernetesNames.labelValue(label),
            "k8svm.io/package-hash": String(KubernetesNames.labelValue(hash).prefix(32)),
            "k8svm.io/peer": KubernetesNames.labelValue(peerName),
        ]
        annotations = [
            "k8svm.io/package-id": packageID,
            "k8svm.io/peer": peerName,
            "k8svm.io/peer-address": peerAddress,
            "k8svm.io/mspid": mspID,
        ]
    }
}
