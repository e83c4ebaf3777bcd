import Foundation
import K8sVMCore
import KubernetesClient
@testable import KubernetesVM
import Testing

/// An operator's pod template laid over the chaincode Pod.
@Suite struct PodTemplateTests {
    let pod = try! ChaincodePodSpecTests().spec().pod()

    @Test func addsAndOverridesWhatItMay() throws {
        let template = try PodTemplate.parse("""
            metadata:
              labels: {team: ledger}
            spec:
              nodeSelector: {pool: chaincode}
              tolerations: [{key: dedicated, operator: Equal, value: chaincode, effect: NoSchedule}]
              serviceAccountName: chaincode
              hostNetwork: true
              volumes: [{name: extra, configMap: {name: cc-extra}}]
              containers:
                - name: chaincode
                  resources: {limits: {memory: 1Gi}}
                  env: [{name: GOMAXPROCS, value: "2"}]
            """, source: "t.yaml", containerName: ChaincodePodSpec.containerName)
        let applied = try template.applied(to: pod).decode(as: Pod.self)
        #expect(applied.metadata.labels?["team"] == "ledger")
        #expect(applied.metadata.labels?["app.kubernetes.io/managed-by"] == "k8svm")
        #expect(applied.spec?.serviceAccountName == "chaincode")
        #expect(applied.spec?.volumes?.count == 3, "tmp, tls and the template's")
        let container = try #require(applied.spec?.containers.first)
        #expect(container.resources == .object(["limits": .object(["memory": .string("1Gi")])]))
        #expect(container.env?.last == EnvVar(name: "GOMAXPROCS", value: "2"))
        #expect(container.env?.count == 11, "the nine shim variables, HOME and the template's")
        #expect(try template.applied(to: pod).objectValue?["spec"]?.objectValue?["hostNetwork"] == .bool(true))
    }

    @Test(arguments: [
        ("spec:\n  securityContext: {runAsUser: 0}\n", "spec.securityContext is not something a template may set"),
        ("spec:\n  containers:\n    - name: chaincode\n      image: evil\n", "spec.containers[0].image is not something a template may set"),
        ("spec:\n  containers:\n    - name: sidecar\n", "spec.containers[0].name must be chaincode"),
        ("status: {}\n", "status is not something a template may set"),
        ("spec: [1]\n", "spec must be a mapping"),
    ])
    func refusesWhatItMayNot(yaml: String, message: String) {
        do {
            _ = try PodTemplate.parse(yaml, source: "t.yaml", containerName: ChaincodePodSpec.containerName)
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
        }
    }

    @Test func cannotReplaceWhatK8sVMSets() throws {
        let env = try PodTemplate.parse("spec:\n  containers:\n    - env: [{name: CORE_PEER_ADDRESS, value: evil:1}]\n", source: "t", containerName: ChaincodePodSpec.containerName)
        #expect(throws: PodTemplateError.self) { try env.applied(to: pod) }
        let label = try PodTemplate.parse("metadata:\n  labels: {app.kubernetes.io/managed-by: me}\n", source: "t", containerName: ChaincodePodSpec.containerName)
        #expect(throws: PodTemplateError.self) { try label.applied(to: pod) }
    }
}
