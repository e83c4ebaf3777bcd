import Foundation

/// How a `java` package is built in stage 1, by the rules of Fabric's java platform and its `fabric-javaenv` build:
/// the project is at the top of the package or at `src/` (where `peer lifecycle chaincode package --lang java` puts
/// the `--path` folder), Gradle first (`build.gradle` or `build.gradle.kts` at either), then Maven (`pom.xml`):
/// - Gradle: `gradlew build shadowJar -x test` with the package's wrapper (else the image's `gradle`), the jar
///   `build/libs/chaincode.jar`;
/// - Maven: `mvnw compile package -DskipTests -Dmaven.test.skip=true` with the package's wrapper (else the image's
///   `mvn`), the jar `target/chaincode.jar`;
/// - neither, but jars in the package: the jars are the chaincode, started with the shim's `ContractRouter` on a
///   class path of all of them.
/// A built jar is an uber jar (the shim inside) and starts with `java -jar`.
public struct JavaBuildPlan: Sendable, Equatable {
    /// What builds the project.
    public enum Tool: String, Sendable {
        case gradleWrapper = "gradlew", gradle, mavenWrapper = "mvnw", maven = "mvn"
        /// Nothing: the package's own jars.
        case prebuiltJars = "jars"
    }

    /// The project directory, relative to the package's source directory: `.` or `src`.
    public var directory: String
    public var tool: Tool
    /// The jar the build produces, relative to `directory` (empty for prebuilt jars).
    public var jar: String

    public init(directory: String, tool: Tool, jar: String) {
        self.directory = directory
        self.tool = tool
        self.jar = jar
    }

    /// The plan for the package in `sourceDirectory`; a package with no build file and no jar is an error naming
    /// what is there.
    public static func decide(sourceDirectory: String) throws -> JavaBuildPlan {
        let tree = SourceTreeView(root: sourceDirectory)
        let directories = [".", "src"]
        func file(_ name: String, in directory: String) -> Bool { tree.isFile(directory + "/" + name) }
        if let directory = directories.first(where: { file("build.gradle", in: $0) || file("build.gradle.kts", in: $0) }) {
            return JavaBuildPlan(directory: directory, tool: file("gradlew", in: directory) ? .gradleWrapper : .gradle,
                                 jar: "build/libs/chaincode.jar")
        }
        if let directory = directories.first(where: { file("pom.xml", in: $0) }) {
            return JavaBuildPlan(directory: directory, tool: file("mvnw", in: directory) ? .mavenWrapper : .maven,
                                 jar: "target/chaincode.jar")
        }
        if tree.firstFile(under: ".", where: { $0.hasSuffix(".jar") }) != nil {
            return JavaBuildPlan(directory: ".", tool: .prebuiltJars, jar: "")
        }
        throw K8sVMError("not a java package: no build.gradle, build.gradle.kts or pom.xml at src/ (the folder peer lifecycle chaincode package --path names) or the top, and no prebuilt jar; src/ holds: \(tree.listing("src"))")
    }

    /// The plan for the stage-1 container's compile step (`builder-images/stage1/compile-java`).
    public var stageOneVariables: [(String, String)] {
        [("K8SVM_JAVA_DIRECTORY", directory), ("K8SVM_JAVA_TOOL", tool.rawValue), ("K8SVM_JAVA_JAR", jar)]
    }
}
