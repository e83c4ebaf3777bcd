import K8sVMCore

/// `bin/detect SRC_DIR METADATA_DIR`: claims exactly the package types the configured backend can serve.
/// It reads only `metadata.json`: no network, no build.
struct Detect {
    let context: BuilderContext

    func run(sourceDirectory: String, metadataDirectory: String) throws -> Int32 {
        let metadata = try PackageMetadata.load(fromDirectory: metadataDirectory)
        let vm = try context.virtualMachine()
        let servable = vm.servableTypes()
        guard servable.contains(metadata.type) else {
            let names = servable.map(\.rawValue).sorted().joined(separator: ", ")
            K8sVMLog.line("k8svm detect: not claiming \(metadata.typeName) package \"\(metadata.label)\" (backend \(vm.backend) serves: \(names))")
            return 1
        }
        return 0
    }
}
