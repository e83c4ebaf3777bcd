import ArgumentParser
import ChaincodeArchive
import Foundation
import K8sVMCore

/// `k8svm package`: make, identify and unpack Fabric chaincode packages.
struct PackageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "package",
        abstract: "Make a reproducible chaincode package, or inspect one.",
        subcommands: [Create.self, ID.self, Extract.self],
        defaultSubcommand: Create.self
    )

    /// `k8svm package DIR --label L --type T -o OUT.tar.gz`.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Package DIR; prints the package ID. The same input always gives the same bytes.")

        @Argument(help: "The chaincode directory.") var directory: String
        @Option(help: "The package label (letters, digits and .+-_ separators).") var label: String
        @Option(help: "golang, node, java, binary or image (k8s).") var type: String
        @Option(help: "metadata.json path (Go: the package path; default \".\").") var path: String?
        @Option(help: "binary packages: the executable, relative to DIR (default: chaincode).") var executable: String?
        @Option(name: .shortAndLong, help: "The package file to write.") var output: String

        func run() async throws {
            try await reportingErrors {
                guard let chaincodeType = ChaincodeType(metadataType: type) else {
                    throw K8sVMError("--type \"\(type)\" is not one of: \(ChaincodeType.acceptedNames.joined(separator: ", "))")
                }
                let metadata = PackageMetadata(type: chaincodeType, typeName: type.lowercased(), label: label,
                                               path: path ?? (chaincodeType.isSource ? "." : ""), executable: executable)
                let bytes = try ChaincodePackage.create(from: directory, metadata: metadata)
                do {
                    try bytes.write(to: URL(fileURLWithPath: output), options: .atomic)
                } catch {
                    throw K8sVMError("cannot write \(output): \(error.localizedDescription)", cause: error)
                }
                print(PackageID.compute(label: label, packageBytes: bytes))
            }
        }
    }

    /// `k8svm package id FILE`.
    struct ID: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a package's ID as the peer computes it.")

        @Argument(help: "The package file (.tar.gz).") var file: String

        func run() async throws {
            try await reportingErrors {
                print(try ChaincodePackage.id(of: try readFile(file), name: file))
            }
        }
    }

    /// `k8svm package extract FILE DIR`.
    struct Extract: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lay out DIR/{src,metadata,bld,release} from a package as the peer does before detect.")

        @Argument(help: "The package file (.tar.gz).") var file: String
        @Argument(help: "A directory to create.") var directory: String

        func run() async throws {
            try await reportingErrors {
                try ChaincodePackage.extract(try readFile(file), name: file, into: directory)
            }
        }
    }
}

private func readFile(_ path: String) throws -> Data {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw K8sVMError("cannot read \(path)")
    }
    return data
}
