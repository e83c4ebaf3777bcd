import DebugPeer
import Foundation
import K8sVMCore
import PeerContract

/// What a chaincode started outside k8svm (an IDE's debugger, `go run`, any official shim) needs to register with the
/// debug peer, written into `BASE/NAME_VERSION/`: `chaincode.json` in the peer's format, the five files the shims read
/// (with TLS on; the client certificate is issued for this chaincode only), and `env`, the variables `run` sets, one
/// `NAME=value` per line for a shell (`set -a; . env`) or an IDE's env file.
struct OutsideChaincodeMaterial: Sendable {
    let chaincodeID: String
    let directory: String
    let peerAddress: String
    let variables: [(String, String)]

    /// The file names written; nothing else is ever removed.
    private static let fileNames = [PeerConnection.fileName, "env", ShimEnvironment.FileName.rootCertificate,
                                    ShimEnvironment.FileName.clientKeyBase64, ShimEnvironment.FileName.clientCertificateBase64,
                                    ShimEnvironment.FileName.clientKeyPEM, ShimEnvironment.FileName.clientCertificatePEM]

    /// Checks that each id is `NAME:VERSION`, the id a chaincode registers with.
    static func validate(_ chaincodeIDs: [String]) throws {
        for id in chaincodeIDs where !DebugPeer.isNameAndVersion(id) {
            throw K8sVMError("--chaincode \"\(id)\" is not NAME:VERSION (the id the chaincode registers with)")
        }
        if Set(chaincodeIDs).count != chaincodeIDs.count {
            throw K8sVMError("--chaincode names the same chaincode twice")
        }
    }

    /// Mints the material for `chaincodeID` from `peer` and writes it under `base` (relative to the working
    /// directory), replacing the files an earlier run left there.
    static func write(for chaincodeID: String, peer: DebugPeer, under base: String) throws -> OutsideChaincodeMaterial {
        let directory = absolute(base) + "/" + chaincodeID.replacingOccurrences(of: ":", with: "_")
        let connection = try peer.handOutLaunchConfiguration(chaincodeID: chaincodeID)
        let shim = ShimEnvironment(connection: connection, tlsDirectory: directory)
        let material = OutsideChaincodeMaterial(chaincodeID: chaincodeID, directory: directory,
                                                peerAddress: connection.peerAddress, variables: shim.variables)
        // The files an earlier run left (killed before it could remove them) give way to the new ones.
        material.remove()
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try connection.write(toDirectory: directory)
            var files = shim.files
            files["env"] = Data(shim.variables.map { "\($0.0)=\($0.1)\n" }.joined().utf8)
            for (name, contents) in files {
                let path = directory + "/" + name
                guard FileManager.default.createFile(atPath: path, contents: contents, attributes: [.posixPermissions: 0o600]) else {
                    throw K8sVMError("cannot write \(path)")
                }
            }
        } catch {
            material.remove()
            throw K8sVMError("cannot write the material for \(chaincodeID) into \(directory): \(error)", cause: error)
        }
        return material
    }

    /// `path` made absolute against the working directory.
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// Removes the files this material consists of, then its directory if that leaves it empty.
    func remove() {
        for name in Self.fileNames { try? FileManager.default.removeItem(atPath: directory + "/" + name) }
        if (try? FileManager.default.contentsOfDirectory(atPath: directory))?.isEmpty == true {
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// What to tell the developer: where the material is, the exact variables, and each shim's start command.
    var instructions: [String] {
        ["material for \(chaincodeID) in \(directory) (chaincode.json, env\(variables.count > 4 ? ", the TLS files" : ""));"
            + " valid while this debug peer runs. Start the chaincode with these variables:"]
            + variables.map { "  \($0.0)=\($0.1)" }
            + ["  (all in \(directory)/env: set -a; . \(directory)/env; set +a)",
               "  Go:   ./chaincode -peer.address=\(peerAddress)   (or: go run . -peer.address=\(peerAddress))",
               "  Node: npm start -- --peer.address \(peerAddress)",
               "  Java: the chaincode's main with --peerAddress \(peerAddress) (or CORE_PEER_ADDRESS=\(peerAddress))"]
    }
}
