import Foundation

/// Notices changes under a path by comparing a fingerprint of names, inodes, sizes and modification times (a
/// rebuilt file that replaces the old one has a new inode even when its size and time match).
///
/// Polling every 150 ms is simple and portable; a walk of even a vendored Go module costs a few milliseconds, and a
/// developer's edit-save-rebuild loop does not notice the wait.
struct SourceWatcher: Sendable {
    let path: String
    /// Directories whose contents are build output, not source.
    static let ignored: Set<String> = [".build", ".git", ".swiftpm", "node_modules"]

    func fingerprint() -> Int {
        var hasher = Hasher()
        walk(path, &hasher)
        return hasher.finalize()
    }

    private func walk(_ path: String, _ hasher: inout Hasher) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return }
        hasher.combine(path)
        hasher.combine(attributes[.systemFileNumber] as? Int)
        hasher.combine(attributes[.size] as? Int)
        hasher.combine((attributes[.modificationDate] as? Date)?.timeIntervalSince1970)
        guard attributes[.type] as? FileAttributeType == .typeDirectory else { return }
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() where !Self.ignored.contains(name) {
            walk(path + "/" + name, &hasher)
        }
    }

    /// Returns once the fingerprint differs from `baseline` and has stayed the same for one more interval (a file
    /// being written, or replaced by remove-then-copy, is not reported half-way), or nil if the task is cancelled.
    func change(from baseline: Int, interval: Duration = .milliseconds(150)) async -> Int? {
        var candidate: Int?
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            let current = fingerprint()
            if current == candidate { return current }
            candidate = current == baseline ? nil : current
        }
        return nil
    }
}
