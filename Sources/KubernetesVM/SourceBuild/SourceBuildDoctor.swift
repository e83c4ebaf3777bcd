import ImageBuild
import K8sVMCore
import KubernetesClient
import OCIRegistry

extension SourceImageBuild {
    /// `k8svm doctor`'s findings on what source builds need besides the cluster permissions: for build Jobs an
    /// exchange address and a usable `build.podTemplate`; for every language its ccenv image (in the registry for
    /// Jobs, in the Docker engine for the Docker runner) and its runtime base in the registry. A language whose
    /// images are missing is a warning: the others still build.
    func doctorChecks() async -> [KubernetesDoctor.Check] {
        var checks: [KubernetesDoctor.Check] = []
        if settings.runner == .job {
            checks.append(settings.exchangeAddress.isEmpty
                ? .init(passed: false, what: "build.exchangeAddress is not set: build Jobs cannot fetch the source (set it to the peer Pod's IP, e.g. from the downward API's status.podIP)")
                : .init(passed: true, what: "build Jobs reach this peer at \(settings.exchangeAddress)"))
            do {
                if try PodTemplate.configured(settings.podTemplate, setting: "build.podTemplate",
                                              containerName: BuildJobSpec.containerName) != nil {
                    checks.append(.init(passed: true, what: "build pod template \(settings.podTemplate) is usable"))
                }
            } catch {
                checks.append(.init(passed: false, what: "\(error)"))
            }
        }
        let registry: RegistryClient
        do {
            registry = try registryClient(for: try reference(settings.registry, setting: "build.registry").registry)
        } catch {
            return checks + [.init(passed: false, what: "\(error)")]
        }
        checks += await builderImageChecks(registry)
        await registry.shutdown()
        return checks
    }

    private func builderImageChecks(_ registry: RegistryClient) async -> [KubernetesDoctor.Check] {
        var checks: [KubernetesDoctor.Check] = []
        for type in [ChaincodeType.golang, .node, .java] {
            guard let language = try? BuildLanguage(type) else { continue }
            do {
                let (runtime, _) = try await runtimeBase(language.runtimeImage, in: registry)
                let ccenv = try await compiler(language.ccenvImage, registry: registry)
                checks.append(.init(passed: true, what: "\(type.rawValue) packages build: \(ccenv.image) and \(runtime) are there"))
            } catch let error as K8sVMError {
                checks.append(.init(passed: true, what: "\(type.rawValue) packages cannot be built: \(error)", warning: true))
            } catch {
                return checks + [.init(passed: false, what: "registry \(registry.registry) cannot be asked for the builder images: \(error)")]
            }
        }
        return checks
    }
}
