import Foundation
import K8sVMCore
import KubernetesClient
import KubernetesVM
import PeerContract
import Testing

/// The chaincode Pod and Secret K8sVM asks for, before any API server sees them.
@Suite struct ChaincodePodSpecTests {
    static let tls = TLSMaterial(clientCertificate: "-----BEGIN CERTIFICATE-----\nCERT\n-----END CERTIFICATE-----\n",
                                        clientKey: "-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n",
                                        rootCertificate: "-----BEGIN CERTIFICATE-----\nROOT\n-----END CERTIFICATE-----\n")
    static let image = ImageReference(name: "127.0.0.1:5000/cc/basic", digest: "sha256:" + String(repeating: "ab", count: 32))

    func spec(packageID: String = "basic_1.0:" + String(repeating: "cd", count: 32), peer: String = "org1-peer0-0",
              tls: TLSMaterial? = tls, mspID: String = "Org1MSP", arguments: [String] = [],
              settings: KubernetesSettings = .init()) -> ChaincodePodSpec {
        let connection = PeerConnection(chaincodeID: packageID, peerAddress: "org1-peer0:7052", tls: tls, mspID: mspID)
        let identity = ChaincodePodIdentity(packageID: packageID, peerName: peer, peerAddress: connection.peerAddress,
                                            mspID: mspID, namePrefix: settings.namePrefix)
        return ChaincodePodSpec(identity: identity, image: Self.image, arguments: arguments, connection: connection, settings: settings)
    }

    @Test(arguments: ["basic_1.0", "A Very Long Chaincode Label With Spaces And Ünïcödé That Goes On And On And On", "___", "x"])
    func namesAndLabelsAreValidForKubernetes(label: String) {
        let identity = spec(packageID: label + ":" + String(repeating: "ef", count: 32)).identity
        #expect(KubernetesNames.isLabel(identity.podName), "\(identity.podName)")
        #expect(identity.secretName.count <= 63)
        for (key, value) in identity.labels {
            #expect(KubernetesNames.isLabelValue(value), "label \(key)=\(value)")
        }
        #expect(identity.annotations["k8svm.io/package-id"] == label + ":" + String(repeating: "ef", count: 32))
    }

    @Test func theNameIsDeterministicPerPeerAndPackage() {
        #expect(spec().identity.podName == spec().identity.podName)
        #expect(spec().identity.podName != spec(peer: "org1-peer1-0").identity.podName)
        #expect(spec().identity.podName != spec(packageID: "basic_1.0:" + String(repeating: "00", count: 32)).identity.podName)
        #expect(spec().identity.podName.hasPrefix("cc-basic-1-0-"))
    }

    @Test func thePodIsHardenedAndCarriesEveryShimVariable() throws {
        let pod = try spec(arguments: ShimEnvironment.goStartArguments).pod()
        let podSpec = try #require(pod.spec)
        let container = try #require(podSpec.containers.first)
        #expect(container.image == Self.image.pinned)
        #expect(container.args == ["-peer.address=$(CORE_PEER_ADDRESS)"], "Kubernetes expands $(VAR) from the container's env")
        let env = Dictionary(uniqueKeysWithValues: (container.env ?? []).map { ($0.name, $0.value ?? "") })
        #expect(env["CORE_CHAINCODE_ID_NAME"] == "basic_1.0:" + String(repeating: "cd", count: 32))
        #expect(env["CORE_PEER_ADDRESS"] == "org1-peer0:7052")
        #expect(env["CORE_PEER_TLS_ENABLED"] == "true")
        #expect(env["CORE_PEER_TLS_ROOTCERT_FILE"] == "/etc/hyperledger/fabric/peer.crt")
        #expect(env["CORE_TLS_CLIENT_KEY_PATH"] == "/etc/hyperledger/fabric/client.key")
        #expect(env["CORE_TLS_CLIENT_CERT_PATH"] == "/etc/hyperledger/fabric/client.crt")
        #expect(env["CORE_TLS_CLIENT_KEY_FILE"] == "/etc/hyperledger/fabric/client_pem.key")
        #expect(env["CORE_TLS_CLIENT_CERT_FILE"] == "/etc/hyperledger/fabric/client_pem.crt")
        #expect(env["CORE_PEER_LOCALMSPID"] == "Org1MSP")
        #expect(podSpec.restartPolicy == "Never")
        #expect(podSpec.automountServiceAccountToken == false)
        let podSecurity = try #require(podSpec.securityContext?.objectValue)
        #expect(podSecurity["runAsNonRoot"] == .bool(true))
        #expect(podSecurity["seccompProfile"] == .object(["type": .string("RuntimeDefault")]))
        let security = try #require(container.securityContext?.objectValue)
        #expect(security["readOnlyRootFilesystem"] == .bool(true))
        #expect(security["allowPrivilegeEscalation"] == .bool(false))
        #expect(security["capabilities"] == .object(["drop": .array([.string("ALL")])]))
        #expect(container.volumeMounts?.contains(VolumeMount(name: "tmp", mountPath: "/tmp")) == true)
        #expect(container.volumeMounts?.contains(VolumeMount(name: "tls", mountPath: "/etc/hyperledger/fabric", readOnly: true)) == true)
    }

    @Test func aDollarInAnArgumentOrValueReachesTheChaincodeAsWritten() throws {
        let spec = spec(packageID: "basic_1.0:$(HOME)", mspID: "Org$1MSP",
                        arguments: ["--match=^a$", "${CORE_PEER_ADDRESS}/x", "{}$$(y)"])
        let container = try #require(try spec.pod().spec?.containers.first)
        #expect(container.args == ["--match=^a$$", "$(CORE_PEER_ADDRESS)/x", "{}$$$$(y)"])
        let env = Dictionary(uniqueKeysWithValues: (container.env ?? []).map { ($0.name, $0.value ?? "") })
        #expect(env["CORE_CHAINCODE_ID_NAME"] == "basic_1.0:$$(HOME)")
        #expect(env["CORE_PEER_LOCALMSPID"] == "Org$$1MSP")
    }

    @Test func anArgumentNamingAnUnknownVariableIsRefusedBeforeAnyPodIsMade() {
        #expect(throws: K8sVMError("argument \"-x=${NOPE}\" names ${NOPE}, which is not one of the chaincode's variables")) {
            try spec(arguments: ["-x=${NOPE}"]).pod()
        }
    }

    @Test func theSecretHoldsTheFiveFilesAndIsOwnedByThePod() throws {
        let secret = try #require(spec().secret(podUID: "uid-1"))
        let data = try #require(secret.data)
        #expect(Set(data.keys) == ["peer.crt", "client.key", "client.crt", "client_pem.key", "client_pem.crt"])
        #expect(data["client_pem.key"] == Data(Self.tls.clientKey.utf8))
        #expect(data["client.key"] == Data(Data(Self.tls.clientKey.utf8).base64EncodedString().utf8), "base64 of the PEM for Node and Java")
        #expect(secret.metadata.ownerReferences == [OwnerReference(apiVersion: "v1", kind: "Pod", name: spec().identity.podName,
                                                                   uid: "uid-1", controller: true, blockOwnerDeletion: true)])
        #expect(spec(tls: nil).secret(podUID: "uid-1") == nil, "no TLS, no Secret")
        #expect(try spec(tls: nil).pod().spec?.volumes?.count == 1, "and no TLS volume")
    }

    @Test func thePeerPodOwnsTheChaincodePodWhenItsUIDIsConfigured() throws {
        var settings = KubernetesSettings()
        settings.peerPodUID = "peer-uid"
        #expect(try spec(settings: settings).pod().metadata.ownerReferences
                == [OwnerReference(apiVersion: "v1", kind: "Pod", name: "org1-peer0-0", uid: "peer-uid")])
        #expect(try spec().pod().metadata.ownerReferences == nil)
    }
}
