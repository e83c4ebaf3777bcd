import ChaincodeArchive
import Foundation
import K8sVMCore

/// A chaincode package whose code archive holds a member a peer must never extract.
enum HostilePackage {
    static func write(to path: String, codeMember: String) throws {
        let code = try ArchiveWriter()
        try code.addFile(path: codeMember, contents: Data("gotcha".utf8))
        let package = try ArchiveWriter()
        try package.addFile(path: "metadata.json", contents: PackageMetadata(type: .binary, label: "hostile").encoded())
        try package.addFile(path: "code.tar.gz", contents: try code.finish())
        try package.finish().write(to: URL(fileURLWithPath: path))
    }
}
