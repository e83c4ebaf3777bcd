import Foundation
import K8sVMCore

/// Checks, before any build is started, that a source package is what its `metadata.json` type says, and names
/// what is missing when it is not:
/// - `golang`: a `go.mod` (in `src/`, `src/<path>` or the top), a `vendor/` directory, or a `.go` file declaring
///   `package main` in `src/<path>`;
/// - `node`: a `package.json` in `src/` or the top;
/// - `java`: `build.gradle`, `build.gradle.kts`, `pom.xml`, `gradlew` or `mvnw` in `src/` or the top.
public enum SourcePackageCheck {
    public static func check(sourceDirectory: String, type: ChaincodeType, path: String) throws {
        let roots = [sourceDirectory + "/src", sourceDirectory]
        func anyOf(_ names: [String], in directories: [String]) -> Bool {
            directories.contains { directory in names.contains { FileManager.default.fileExists(atPath: directory + "/" + $0) } }
        }
        switch type {
        case .golang:
            let packageDirectory = sourceDirectory + "/src" + (path.isEmpty || path == "." ? "" : "/" + path)
            let moduleRoots = [sourceDirectory + "/src", packageDirectory, sourceDirectory]
            if anyOf(["go.mod", "vendor"], in: moduleRoots) || hasMainPackage(in: packageDirectory) { return }
            throw K8sVMError("not a golang package: no go.mod (looked in src/, src/\(path.isEmpty ? "." : path) and the top), no vendor/ directory, and no .go file with \"package main\" in src/\(path)")
        case .node:
            if anyOf(["package.json"], in: roots) { return }
            throw K8sVMError("not a node package: no package.json in src/ or the top of the package")
        case .java:
            if anyOf(["build.gradle", "build.gradle.kts", "pom.xml", "gradlew", "mvnw"], in: roots) { return }
            throw K8sVMError("not a java package: no build.gradle, build.gradle.kts, pom.xml, gradlew or mvnw in src/ or the top of the package")
        case .binary, .image:
            throw K8sVMError("\(type.rawValue) packages are not built from source (stage 1 builds: golang, node, java)")
        }
    }

    /// Whether a `.go` file directly in `directory` declares `package main` (on a line of its own, after comments).
    private static func hasMainPackage(in directory: String) -> Bool {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return false }
        return names.filter { $0.hasSuffix(".go") && !$0.hasSuffix("_test.go") }.contains { name in
            guard let text = try? String(contentsOfFile: directory + "/" + name, encoding: .utf8) else { return false }
            return text.split(whereSeparator: \.isNewline).contains { line in
                let words = line.split(whereSeparator: \.isWhitespace)
                return words.count >= 2 && words[0] == "package" && words[1] == "main"
            }
        }
    }
}
