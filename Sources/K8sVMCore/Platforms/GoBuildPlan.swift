import Foundation

/// How a `golang` package is compiled: decided once, here, for every backend (the local process, the sandbox and the
/// stage-1 container, which receives the decision as variables), by the rules of Fabric's own Go platform
/// (core/chaincode/platforms/golang) for the layouts `peer lifecycle chaincode package` writes:
/// - module mode, `go.mod` at `src/`: `go build` in `src/` of `path`, an import path inside the module (`.` for the
///   module itself); a `path` that is a directory under `src/` (a hand-made layout) is built as `./path`;
/// - module mode, `go.mod` at `src/<path>/`: `go build .` there;
/// - a `go.mod` at the top of the package (a hand-made layout): as at `src/`, from the top;
/// - GOPATH mode, no `go.mod`: the files under `src/<import path>/`, `GO111MODULE=off`, `GOPATH` the package.
/// A `vendor/` directory beside the `go.mod` means `-mod=vendor`, else `-mod=readonly`.
public struct GoBuildPlan: Sendable, Equatable {
    /// Module mode's `-mod` flag.
    public enum ModuleMode: String, Sendable {
        case vendor, readonly
    }

    /// Where `go build` runs, relative to the package's source directory: `src`, `src/<path>`, or `.`.
    public var directory: String
    /// What `go build` builds: `.`, `./<dir>`, or an import path (GOPATH mode).
    public var target: String
    /// Module mode with its flag; nil is GOPATH mode.
    public var moduleMode: ModuleMode?
    /// The Go release the module's `go` line asks for (`1.21`, `1.22.3`), when it has one.
    public var requiredGoVersion: String?
    /// The module requires other modules and has no `vendor/`: `go build` fetches them from GOPROXY.
    public var downloadsModules: Bool

    public init(directory: String, target: String, moduleMode: ModuleMode?, requiredGoVersion: String? = nil,
                downloadsModules: Bool = false) {
        self.directory = directory
        self.target = target
        self.moduleMode = moduleMode
        self.requiredGoVersion = requiredGoVersion
        self.downloadsModules = downloadsModules
    }

    /// What to add to a failed build's report when the failure may be the module download: the remedy that needs no
    /// network. Nil when the build downloads nothing.
    public func downloadHint(goproxy: String?) -> String? {
        guard downloadsModules else { return nil }
        let proxy = goproxy.flatMap { $0.isEmpty ? nil : $0 } ?? "https://proxy.golang.org,direct"
        return "the module is not vendored, so go build fetches its dependencies from GOPROXY (\(proxy)); if that is unreachable, run `go mod vendor` before packaging"
    }

    /// The plan for the package in `sourceDirectory` (the peer's SRC_DIR, the untarred `code.tar.gz`) with
    /// `metadata.json` `path`; a package that cannot be built is an error naming what is wrong and what is there.
    public static func decide(sourceDirectory: String, path rawPath: String) throws -> GoBuildPlan {
        let path = rawPath.isEmpty ? "." : rawPath
        guard !path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
            throw K8sVMError("metadata.json path \"\(rawPath)\" must be an import path or a directory inside the package")
        }
        let tree = SourceTreeView(root: sourceDirectory)
        if let module = try tree.module(at: "src") {
            let vendored = tree.isDirectory("src/vendor")
            return GoBuildPlan(directory: "src", target: try target(of: path, in: module, tree: tree, under: "src"),
                               moduleMode: vendored ? .vendor : .readonly, requiredGoVersion: module.goVersion,
                               downloadsModules: !vendored && module.requiresModules)
        }
        if path != ".", let module = try tree.module(at: "src/" + path) {
            let vendored = tree.isDirectory("src/\(path)/vendor")
            return GoBuildPlan(directory: "src/" + path, target: ".", moduleMode: vendored ? .vendor : .readonly,
                               requiredGoVersion: module.goVersion, downloadsModules: !vendored && module.requiresModules)
        }
        if let module = try tree.module(at: ".") {
            let vendored = tree.isDirectory("vendor")
            return GoBuildPlan(directory: ".", target: try target(of: path, in: module, tree: tree, under: "."),
                               moduleMode: vendored ? .vendor : .readonly, requiredGoVersion: module.goVersion,
                               downloadsModules: !vendored && module.requiresModules)
        }
        if let misplaced = tree.firstModuleFile(under: "src") {
            throw K8sVMError("\(misplaced) is not where a Go module can be built from: put go.mod at src/ or at src/\(path) (the path in metadata.json), or remove it for a GOPATH build")
        }
        guard path != ".", tree.hasGoFiles(in: "src/" + path) else {
            throw K8sVMError("not a golang package: no go.mod at src/\(path == "." ? "" : ", src/" + path) or the top, and no .go files at src/\(path) for a GOPATH build (metadata.json path \"\(path)\"); src/ holds: \(tree.listing("src"))")
        }
        return GoBuildPlan(directory: "src", target: path, moduleMode: nil)
    }

    /// `path` as `go build` in the module's directory takes it.
    private static func target(of path: String, in module: GoModule, tree: SourceTreeView, under root: String) throws -> String {
        if path == "." || path == module.path { return "." }
        if path.hasPrefix(module.path + "/") {
            let directory = String(path.dropFirst(module.path.count + 1))
            guard tree.hasGoFiles(in: root + "/" + directory) else {
                throw K8sVMError("metadata.json path \"\(path)\" names \(root)/\(directory) in module \(module.path), which holds no .go files; \(root)/ holds: \(tree.listing(root))")
            }
            return "./" + directory
        }
        if tree.hasGoFiles(in: root + "/" + path) { return "./" + path }
        throw K8sVMError("metadata.json path \"\(path)\" is not in the package: not a package of module \(module.path) (\(root)/go.mod) nor a directory of .go files under \(root)/; \(root)/ holds: \(tree.listing(root))")
    }

    /// The arguments of `go build`, writing the executable to `output`.
    public func buildArguments(output: String) -> [String] {
        ["build", "-trimpath"] + (moduleMode.map { ["-mod=\($0.rawValue)"] } ?? []) + ["-o", output, target]
    }

    /// The variables the build needs beyond the toolchain's: module mode on or off, and GOPATH (the package, as the
    /// build sees its source directory) in GOPATH mode.
    public func environment(sourceDirectory: String) -> [(String, String)] {
        moduleMode == nil ? [("GO111MODULE", "off"), ("GOPATH", sourceDirectory)] : [("GO111MODULE", "on")]
    }

    /// The plan for the stage-1 container's compile step (`builder-images/stage1/compile-golang`).
    public var stageOneVariables: [(String, String)] {
        [("K8SVM_GO_DIRECTORY", directory), ("K8SVM_GO_TARGET", target), ("K8SVM_GO_MOD", moduleMode?.rawValue ?? ""),
         ("K8SVM_GO_REQUIRED", requiredGoVersion ?? ""), ("K8SVM_GO_DOWNLOADS", downloadsModules ? "true" : "")]
    }

    /// Why a toolchain of `toolchainVersion` (`go1.22.4`, as `go env GOVERSION` prints it) cannot build this plan, or
    /// nil when it can.
    public func toolchainRefusal(toolchainVersion: String, toolchain: String) -> String? {
        guard let required = requiredGoVersion else { return nil }
        let have = toolchainVersion.hasPrefix("go") ? String(toolchainVersion.dropFirst(2)) : toolchainVersion
        guard Self.compare(have, required) == .orderedAscending else { return nil }
        return "the package's go.mod asks for Go \(required), but the toolchain \(toolchain) is Go \(have)"
    }

    /// Orders Go release numbers (`1.21`, `1.21.4`, `1.22rc1` as `1.22`) numerically.
    static func compare(_ left: String, _ right: String) -> ComparisonResult {
        func parts(_ text: String) -> [Int] {
            text.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 }
        }
        let (a, b) = (parts(left), parts(right))
        for index in 0..<max(a.count, b.count) {
            let (x, y) = (index < a.count ? a[index] : 0, index < b.count ? b[index] : 0)
            if x != y { return x < y ? .orderedAscending : .orderedDescending }
        }
        return .orderedSame
    }
}

/// A `go.mod`: the module path, its `go` line, and whether it requires other modules.
struct GoModule: Equatable {
    var path: String
    var goVersion: String?
    var requiresModules = false

    init(parsing text: String, file: String) throws {
        var path: String?
        for line in text.split(whereSeparator: \.isNewline) {
            let words = line.split(whereSeparator: \.isWhitespace)
            guard words.count >= 2 else { continue }
            if words[0] == "module" { path = words[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            if words[0] == "go" { goVersion = String(words[1]) }
            if words[0] == "require" { requiresModules = true }
        }
        guard let path else { throw K8sVMError("\(file) has no module line") }
        self.path = path
    }
}
