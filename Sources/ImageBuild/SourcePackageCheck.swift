import Foundation
import K8sVMCore

/// Checks, before any build is started, that a source package is what its `metadata.json` type says, and names
/// what is missing when it is not:
/// - `golang`: a layout `GoBuildPlan` can build (a module at `src/`, `src/<path>` or the top, or GOPATH source at
///   `src/<path>`);
/// - `node`: a `package.json` in `src/` or the top;
/// - `java`: `build.gradle`, `build.gradle.kts`, `pom.xml`, `gradlew` or `mvnw` in `src/` or the top.
public enum SourcePackageCheck {
    /// Returns the build plan of a `golang` package (nil for the others), so that it is decided once.
    @discardableResult
    public static func check(sourceDirectory: String, type: ChaincodeType, path: String) throws -> GoBuildPlan? {
        let roots = [sourceDirectory + "/src", sourceDirectory]
        func anyOf(_ names: [String], in directories: [String]) -> Bool {
            directories.contains { directory in names.contains { FileManager.default.fileExists(atPath: directory + "/" + $0) } }
        }
        switch type {
        case .golang:
            return try GoBuildPlan.decide(sourceDirectory: sourceDirectory, path: path)
        case .node:
            if anyOf(["package.json"], in: roots) { return nil }
            throw K8sVMError("not a node package: no package.json in src/ or the top of the package")
        case .java:
            if anyOf(["build.gradle", "build.gradle.kts", "pom.xml", "gradlew", "mvnw"], in: roots) { return nil }
            throw K8sVMError("not a java package: no build.gradle, build.gradle.kts, pom.xml, gradlew or mvnw in src/ or the top of the package")
        case .binary, .image:
            throw K8sVMError("\(type.rawValue) packages are not built from source (stage 1 builds: golang, node, java)")
        }
    }
}
