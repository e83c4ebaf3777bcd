import Foundation

/// Where the builder is installed: the parent of the `bin/` directory the program was started from.
enum BuilderLocation {
    /// `DIR` for `DIR/bin/run`; the path is taken as invoked (links are not resolved), looked up in PATH if bare.
    static func builderDirectory(invokedAs: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        var program = invokedAs
        if !program.contains("/") {
            guard let found = (environment["PATH"] ?? "").split(separator: ":")
                .map({ "\($0)/\(program)" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) })
            else { return nil }
            program = found
        }
        if !program.hasPrefix("/") {
            program = FileManager.default.currentDirectoryPath + "/" + program
        }
        // Plain string handling: URL and NSString would load ICU, which costs a detect several milliseconds.
        var components: [Substring] = []
        for component in program.split(separator: "/") where component != "." {
            if component == ".." { _ = components.popLast() } else { components.append(component) }
        }
        return "/" + components.dropLast(2).joined(separator: "/")
    }

    /// This executable's own file, to copy into a builder directory.
    static func executablePath() throws -> String {
        try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    }
}
