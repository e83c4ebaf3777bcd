import Foundation
import K8sVMCore
import Testing

/// The one decision of how a node or java package is built, for the layouts `peer lifecycle chaincode package
/// --lang node|java --path DIR` writes (DIR's files under `src/`, `META-INF/` at the top, node_modules and build
/// output left out), and the refusal of packages that are not what their type says.
@Suite struct SourceBuildPlanTests {
    /// Writes `files` into a fresh package directory, decides its plan, and removes the directory.
    func plan(_ type: ChaincodeType, _ files: [String: String], path: String = "") throws -> SourceBuildPlan {
        let directory = NSTemporaryDirectory() + "k8svm-plan-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (name, content) in files {
            let file = directory + "/" + name
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try content.write(toFile: file, atomically: false, encoding: .utf8)
        }
        return try SourceBuildPlan.decide(sourceDirectory: directory, type: type, path: path)
    }

    /// fabric-samples' asset-transfer-basic/chaincode-javascript as the CLI packs it.
    let nodePackage = [
        "src/package.json": #"{"name":"asset-transfer-basic","main":"index.js","scripts":{"start":"fabric-chaincode-node start"},"dependencies":{"fabric-contract-api":"~2.5.0","fabric-shim":"~2.5.0"}}"#,
        "src/index.js": "module.exports.contracts = [require('./lib/assetTransfer')];\n",
        "src/lib/assetTransfer.js": "class AssetTransfer {}\nmodule.exports = AssetTransfer;\n",
        "META-INF/statedb/couchdb/indexes/indexOwner.json": #"{"index":{"fields":["owner"]},"ddoc":"indexOwnerDoc","name":"indexOwner","type":"json"}"#,
    ]

    @Test func aNodePackageInstallsItsProductionDependenciesInSrc() throws {
        #expect(try plan(.node, nodePackage) == .node(NodeBuildPlan(directory: "src", install: .install)))
        var locked = nodePackage
        locked["src/package-lock.json"] = #"{"lockfileVersion":3}"#
        let plan = try plan(.node, locked)
        #expect(plan == .node(NodeBuildPlan(directory: "src", install: .ci)), "a lock file pins the tree: npm ci")
        #expect(plan.stageOneVariables.map { "\($0.0)=\($0.1)" } == ["K8SVM_NODE_DIRECTORY=src", "K8SVM_NODE_INSTALL=ci"])
        #expect(try self.plan(.node, ["package.json": #"{"scripts":{"start":"node index.js"}}"#])
                == .node(NodeBuildPlan(directory: ".", install: .install)), "a hand-made layout at the top")
        #expect(try self.plan(.node, ["src/package.json": "{}", "src/server.js": ""])
                == .node(NodeBuildPlan(directory: "src", install: .install)), "npm start's default: node server.js")
    }

    @Test func aNodePackageThatCannotStartIsRefused() throws {
        for (files, message) in [
            (["src/index.js": "1"], "not a node package: no package.json at src/"),
            (["src/package.json": "{\"name\":"], "src/package.json is not a JSON object"),
            (["src/package.json": #"{"name":"cc","scripts":{"test":"mocha"}}"#], "src/package.json has no start script"),
        ] {
            let error = try #require(throws: K8sVMError.self) { try plan(.node, files) }
            #expect(error.message.contains(message), "\(error.message)")
        }
        let listed = try #require(throws: K8sVMError.self) { try plan(.node, ["src/index.js": "1"]) }
        #expect(listed.message.contains("src/ holds: index.js"), "\(listed.message)")
    }

    /// fabric-samples' asset-transfer-basic/chaincode-java (Gradle with its wrapper) as the CLI packs it.
    let gradlePackage = [
        "src/build.gradle": "plugins { id 'com.github.johnrengelman.shadow' version '7.1.2'\n id 'java' }\nshadowJar { archiveBaseName = 'chaincode'\n archiveClassifier = '' }\n",
        "src/settings.gradle": "rootProject.name = 'basic'\n",
        "src/gradlew": "#!/bin/sh\n",
        "src/gradle/wrapper/gradle-wrapper.properties": "distributionUrl=https\\://services.gradle.org/distributions/gradle-7.6-bin.zip\n",
        "src/src/main/java/org/example/AssetTransfer.java": "package org.example;\npublic final class AssetTransfer {}\n",
    ]

    @Test func aJavaPackageIsBuiltByItsGradleOrMavenProject() throws {
        #expect(try plan(.java, gradlePackage)
                == .java(JavaBuildPlan(directory: "src", tool: .gradleWrapper, jar: "build/libs/chaincode.jar")))
        var noWrapper = gradlePackage
        noWrapper["src/gradlew"] = nil
        #expect(try plan(.java, noWrapper) == .java(JavaBuildPlan(directory: "src", tool: .gradle, jar: "build/libs/chaincode.jar")))
        let maven = ["src/pom.xml": "<project/>\n", "src/src/main/java/A.java": "class A {}\n"]
        #expect(try plan(.java, maven) == .java(JavaBuildPlan(directory: "src", tool: .maven, jar: "target/chaincode.jar")))
        var mavenWrapper = maven
        mavenWrapper["src/mvnw"] = "#!/bin/sh\n"
        let wrapped = try plan(.java, mavenWrapper)
        #expect(wrapped == .java(JavaBuildPlan(directory: "src", tool: .mavenWrapper, jar: "target/chaincode.jar")))
        #expect(wrapped.stageOneVariables.map { "\($0.0)=\($0.1)" }
                == ["K8SVM_JAVA_DIRECTORY=src", "K8SVM_JAVA_TOOL=mvnw", "K8SVM_JAVA_JAR=target/chaincode.jar"])
        var both = maven
        both["src/build.gradle.kts"] = "plugins { java }\n"
        #expect(try plan(.java, both) == .java(JavaBuildPlan(directory: "src", tool: .gradle, jar: "build/libs/chaincode.jar")),
                "Gradle before Maven, as Fabric's javaenv decides")
        #expect(try plan(.java, ["src/lib/chaincode.jar": "PK"]) == .java(JavaBuildPlan(directory: ".", tool: .prebuiltJars, jar: "")),
                "a package of jars is the chaincode itself")
    }

    @Test func aJavaPackageWithNothingToBuildIsRefused() throws {
        let error = try #require(throws: K8sVMError.self) { try plan(.java, ["src/A.java": "class A {}\n"]) }
        #expect(error.message.contains("not a java package: no build.gradle, build.gradle.kts or pom.xml at src/"), "\(error.message)")
        #expect(error.message.contains("no prebuilt jar; src/ holds: A.java"), "\(error.message)")
    }

    @Test func packagesThatAreNotBuiltFromSourceAreRefused() throws {
        for type in [ChaincodeType.binary, .image] {
            let error = try #require(throws: K8sVMError.self) { try plan(type, ["src/x": ""]) }
            #expect(error.message.contains("not built from source"), "\(error.message)")
        }
    }

    @Test func aGoPackageGetsItsGoPlan() throws {
        let plan = try plan(.golang, ["src/go.mod": "module example.com/cc\n\ngo 1.21\n", "src/main.go": "package main\n"])
        #expect(plan == .golang(GoBuildPlan(directory: "src", target: ".", moduleMode: .readonly, requiredGoVersion: "1.21")))
        #expect(plan.stageOneVariables.first?.0 == "K8SVM_GO_DIRECTORY")
    }
}
