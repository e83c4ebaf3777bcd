import Foundation
import K8sVMCore

/// `bin/build SRC_DIR METADATA_DIR BUILD_DIR`: builds the package and records in BUILD_DIR what `run` needs.
/// On failure, whatever it had put into BUILD_DIR is removed again.
struct Build {
    let context: BuilderContext

    func run(sourceDirectory: String, metadataDirectory: String, buildDirectory: String) async throws {
        let metadata = try PackageMetadata.load(fromDirectory: metadataDirectory)
        let vm = try context.virtualMachine()
        guard vm.servableTypes().contains(metadata.type) else {
            throw K8sVMError("backend \(vm.backend) cannot build \(metadata.typeName) packages on this host")
        }
        let existing = Set((try? FileManager.default.contentsOfDirectory(atPath: buildDirectory)) ?? [])
        do {
            let record = try await vm.build(BuildRequest(sourceDirectory: sourceDirectory, metadata: metadata,
                                                         buildDirectory: buildDirectory))
            try record.write(toDirectory: buildDirectory)
            K8sVMLog.line("k8svm build: built \(metadata.typeName) package \"\(metadata.label)\" into \(buildDirectory)")
        } catch {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: buildDirectory)) ?? [] where !existing.contains(name) {
                try? FileManager.default.removeItem(atPath: buildDirectory + "/" + name)
            }
            throw error
        }
    }
}
