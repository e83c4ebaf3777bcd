import Foundation

/// How a `node` package is built in stage 1, by the rules of Fabric's node platform and its `fabric-nodeenv` build:
/// the app is the directory with `package.json` (`src/`, where `peer lifecycle chaincode package --lang node` puts
/// the `--path` folder; the top of the package for a hand-made layout); its production dependencies are installed
/// with `npm ci --omit=dev` when a `package-lock.json` or `npm-shrinkwrap.json` pins them, else
/// `npm install --omit=dev`; no build script runs (TypeScript is compiled before packaging, as for Fabric). The
/// chaincode starts as Fabric starts it: `npm start -- --peer.address ADDRESS` in the app directory, so the package
/// needs a `start` script (or npm's default, a `server.js`).
public struct NodeBuildPlan: Sendable, Equatable {
    /// The dependency install.
    public enum Install: String, Sendable {
        /// `npm ci --omit=dev`: the lock file's exact tree.
        case ci
        /// `npm install --omit=dev`: no lock file.
        case install
    }

    /// The app directory, relative to the package's source directory: `src` or `.`.
    public var directory: String
    public var install: Install

    public init(directory: String, install: Install) {
        self.directory = directory
        self.install = install
    }

    /// The plan for the package in `sourceDirectory`; a package without a usable `package.json` is an error naming
    /// what is missing and what is there.
    public static func decide(sourceDirectory: String) throws -> NodeBuildPlan {
        let tree = SourceTreeView(root: sourceDirectory)
        guard let directory = ["src", "."].first(where: { tree.isFile($0 + "/package.json") }) else {
            throw K8sVMError("not a node package: no package.json at src/ (the folder peer lifecycle chaincode package --path names) or the top; src/ holds: \(tree.listing("src"))")
        }
        let file = directory == "." ? "package.json" : directory + "/package.json"
        let data = FileManager.default.contents(atPath: sourceDirectory + "/" + file) ?? Data()
        guard let manifest = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw K8sVMError("\(file) is not a JSON object, so npm cannot read it")
        }
        let start = (manifest["scripts"] as? [String: Any])?["start"] as? String
        if start?.isEmpty ?? true, !tree.isFile(directory + "/server.js") {
            throw K8sVMError("\(file) has no start script: the peer starts node chaincode with `npm start -- --peer.address ADDRESS` (fabric-chaincode-node's convention: \"scripts\": {\"start\": \"fabric-chaincode-node start\"})")
        }
        let locked = ["package-lock.json", "npm-shrinkwrap.json"].contains { tree.isFile(directory + "/" + $0) }
        return NodeBuildPlan(directory: directory, install: locked ? .ci : .install)
    }

    /// The plan for the stage-1 container's compile step (`builder-images/stage1/compile-node`).
    public var stageOneVariables: [(String, String)] {
        [("K8SVM_NODE_DIRECTORY", directory), ("K8SVM_NODE_INSTALL", install.rawValue)]
    }
}
