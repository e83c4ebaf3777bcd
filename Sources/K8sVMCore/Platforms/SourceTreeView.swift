import Foundation

/// Read-only questions about a package's source directory, by paths relative to it.
struct SourceTreeView {
    let root: String

    func isDirectory(_ relative: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &directory) && directory.boolValue
    }

    /// The module whose `go.mod` is in `relative`, if there is one.
    func module(at relative: String) throws -> GoModule? {
        let file = root + "/" + (relative == "." ? "" : relative + "/") + "go.mod"
        guard let data = FileManager.default.contents(atPath: file) else { return nil }
        return try GoModule(parsing: String(decoding: data, as: UTF8.self), file: relative == "." ? "go.mod" : relative + "/go.mod")
    }

    func isFile(_ relative: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &directory) && !directory.boolValue
    }

    /// The first file under `relative` whose path matches, for a layout known by one kind of file.
    func firstFile(under relative: String, where matches: (String) -> Bool) -> String? {
        guard let walker = FileManager.default.enumerator(atPath: root + "/" + relative) else { return nil }
        while let entry = walker.nextObject() as? String {
            if matches(entry) { return entry }
        }
        return nil
    }

    func hasGoFiles(in relative: String) -> Bool {
        ((try? FileManager.default.contentsOfDirectory(atPath: root + "/" + relative)) ?? []).contains { $0.hasSuffix(".go") }
    }

    /// The first `go.mod` under `relative` (outside `vendor/`), for a layout that put one where no build looks.
    func firstModuleFile(under relative: String) -> String? {
        guard let walker = FileManager.default.enumerator(atPath: root + "/" + relative) else { return nil }
        while let entry = walker.nextObject() as? String {
            if entry.split(separator: "/").contains("vendor") { walker.skipDescendants(); continue }
            if entry.hasSuffix("go.mod") && (entry == "go.mod" || entry.hasSuffix("/go.mod")) { return relative + "/" + entry }
        }
        return nil
    }

    /// The first names in `relative`, for an error that shows what is there.
    func listing(_ relative: String) -> String {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: root + "/" + relative)) ?? []).sorted()
        guard !names.isEmpty else { return "nothing" }
        return names.prefix(8).joined(separator: ", ") + (names.count > 8 ? ", … (\(names.count) entries)" : "")
    }
}
