/// Validation of paths that a package names and that must stay inside the package.
public enum RelativePath {
    /// Throws unless `path` is relative and never climbs out (`..`) of its root.
    public static func validate(_ path: String, what: String, allowDot: Bool = false) throws {
        if path.isEmpty {
            throw K8sVMError("\(what) is empty")
        }
        if path.hasPrefix("/") {
            throw K8sVMError("\(what) \"\(path)\" is an absolute path; it must be relative to the package")
        }
        if path.utf8.contains(0) {
            throw K8sVMError("\(what) contains a NUL byte")
        }
        let components = path.split(separator: "/", omittingEmptySubsequences: true)
        if components.contains("..") {
            throw K8sVMError("\(what) \"\(path)\" climbs out of the package with \"..\"")
        }
        if !allowDot, components.allSatisfy({ $0 == "." }) {
            throw K8sVMError("\(what) \"\(path)\" names the package root, not a file")
        }
    }
}
