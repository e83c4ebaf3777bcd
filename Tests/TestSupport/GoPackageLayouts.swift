import Foundation

/// Go chaincode packages in each layout a peer hands `build` (the SRC_DIR of `peer lifecycle chaincode package`, with
/// the `metadata.json` `path` it writes): module mode with `path` an import path inside the module (vendored or not),
/// a module at `src/<path>`, GOPATH mode, a hand-made relative `path`, and a module that needs a current Go. Each
/// builds a `main` that prints `printed` and its arguments and exits 0, so a test can tell which layout it ran.
public struct GoPackageLayout: Sendable, CustomStringConvertible {
    public let name: String
    /// `metadata.json` `path`.
    public let path: String
    /// Files of SRC_DIR, relative to it.
    public let files: [String: String]

    /// What the built executable prints first.
    public var printed: String { "k8svm layout \(name) ok" }
    public var description: String { name }

    public init(name: String, path: String, files: [String: String]) {
        self.name = name
        self.path = path
        self.files = files
    }

    /// Writes SRC_DIR into `directory` (created).
    public func write(into directory: String) throws {
        for (relative, contents) in files {
            let file = directory + "/" + relative
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try contents.write(toFile: file, atomically: true, encoding: .utf8)
        }
    }

    /// A `main` printing `printed` through `call` (a Go expression of type string).
    private static func main(_ name: String, imports: [String] = [], call: String) -> String {
        """
        package main

        import (
        \t"fmt"
        \t"os"
        \(imports.map { "\t\"\($0)\"" }.joined(separator: "\n"))
        )

        func main() {
        \tfmt.Println("k8svm layout \(name)", \(call), os.Args[1:])
        }

        """
    }

    /// A library package whose `Status()` the main prints.
    private static func library(_ package: String) -> String {
        "package \(package)\n\n// Status is what the chaincode's main prints.\nfunc Status() string { return \"ok\" }\n"
    }

    /// The module example.com/simplecc at `src/`, its main package in `src/cmd`, packaged with `path`.
    private static func simpleccModule(_ name: String, path: String) -> GoPackageLayout {
        GoPackageLayout(name: name, path: path, files: [
            "src/go.mod": "module example.com/simplecc\n\ngo 1.19\n",
            "src/chaincode.go": library("simplecc"),
            "src/cmd/main.go": main(name, imports: ["example.com/simplecc"], call: "simplecc.Status()"),
        ])
    }

    /// `--path example.com/simplecc/cmd` in module mode: the module root at `src/`, `path` an import path inside it.
    public static let moduleImportPath = simpleccModule("module-import-path", path: "example.com/simplecc/cmd")

    /// The same with a dependency vendored as `go mod vendor` writes it (built with `-mod=vendor`, no network).
    public static let moduleVendored = GoPackageLayout(name: "module-vendored", path: "example.com/simplecc/cmd", files: [
        "src/go.mod": "module example.com/simplecc\n\ngo 1.19\n\nrequire example.com/status v1.0.0\n",
        "src/cmd/main.go": main("module-vendored", imports: ["example.com/status"], call: "status.Status()"),
        "src/vendor/modules.txt": "# example.com/status v1.0.0\n## explicit; go 1.19\nexample.com/status\n",
        "src/vendor/example.com/status/status.go": library("status"),
    ])

    /// `path` the import path of the module itself, its main package at the module root.
    public static let moduleRoot = GoPackageLayout(name: "module-root", path: "example.com/rootcc", files: [
        "src/go.mod": "module example.com/rootcc\n\ngo 1.19\n",
        "src/main.go": main("module-root", call: "\"ok\""),
    ])

    /// A module whose `go.mod` sits at `src/<path>`.
    public static let moduleAtPath = GoPackageLayout(name: "module-at-path", path: "chaincode", files: [
        "src/chaincode/go.mod": "module example.com/atpath\n\ngo 1.19\n",
        "src/chaincode/main.go": main("module-at-path", call: "\"ok\""),
    ])

    /// GOPATH mode: no `go.mod`, the files under `src/<import path>`.
    public static let gopath = GoPackageLayout(name: "gopath", path: "example.com/gopathcc/cmd", files: [
        "src/example.com/gopathcc/status.go": library("gopathcc"),
        "src/example.com/gopathcc/cmd/main.go": main("gopath", imports: ["example.com/gopathcc"], call: "gopathcc.Status()"),
    ])

    /// A hand-made layout: the module at `src/`, `path` a directory under it rather than an import path.
    public static let relativePath = simpleccModule("relative-path", path: "cmd")

    /// A module that needs Go >= 1.22: `slices`, `maps`, the `min` builtin and `math/rand/v2`, as Fabric 2.5's shim does.
    public static let currentGo = GoPackageLayout(name: "current-go", path: "example.com/currentcc", files: [
        "src/go.mod": "module example.com/currentcc\n\ngo 1.22\n",
        "src/main.go": """
            package main

            import (
            \t"fmt"
            \t"maps"
            \t"math/rand/v2"
            \t"os"
            \t"slices"
            )

            func main() {
            \tkeys := slices.Sorted(maps.Keys(map[string]int{"b": 2, "a": 1}))
            \t_ = rand.IntN(2)
            \tstatus := "ok"
            \tif min(len(keys), 2) != 2 || keys[0] != "a" {
            \t\tstatus = "broken"
            \t}
            \tfmt.Println("k8svm layout current-go", status, os.Args[1:])
            }

            """,
    ])

    /// Every layout a build must accept.
    public static let all = [moduleImportPath, moduleVendored, moduleRoot, moduleAtPath, gopath, relativePath, currentGo]
}
