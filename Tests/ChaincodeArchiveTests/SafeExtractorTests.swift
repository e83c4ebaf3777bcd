import ChaincodeArchive
import Foundation
import K8sVMCore
import Testing

/// Hostile archives are refused with the offending member named, and nothing is left on disk.
@Suite struct SafeExtractorTests {
    let scratch: String

    init() throws {
        var template = Array("/tmp/k8svm-archive-XXXXXX".utf8CString)
        scratch = String(cString: mkdtemp(&template)!)
    }

    /// Writes an archive of `members`, extracts it, and returns the error message (nil when it extracted).
    func extract(_ members: [RawTarWriter.Member], limits: ExtractionLimits = ExtractionLimits()) throws -> String? {
        let archive = scratch + "/archive.tar"
        try? FileManager.default.removeItem(atPath: archive)
        let writer = RawTarWriter(path: archive)
        members.forEach(writer.add)
        writer.close()
        do {
            try SafeExtractor(limits: limits).extract(try ArchiveReader(path: archive), into: scratch + "/out")
            return nil
        } catch let error as K8sVMError {
            #expect(!FileManager.default.fileExists(atPath: scratch + "/out"), "a refused archive leaves nothing behind")
            return error.message
        }
    }

    @Test(arguments: [
        ([RawTarWriter.Member.file("/etc/evil", "x")], "archive member \"/etc/evil\": absolute paths are not allowed"),
        ([.file("a/../../evil", "x")], "archive member \"a/../../evil\": \"..\" would leave the package directory"),
        ([.file("../evil", "x")], "archive member \"../evil\""),
        ([.symlink("link", target: "/etc/passwd")], "archive member \"link\": symbolic link to \"/etc/passwd\" points outside the package"),
        ([.symlink("a/link", target: "../../etc")], "symbolic link to \"../../etc\" points outside the package"),
        ([.symlink("dir", target: "."), .file("dir/x", "y")], "archive member \"dir/x\": lies under the symbolic link \"dir\""),
        ([.hardlink("h", target: "/etc/shadow")], "archive member \"h\": hard link to \"/etc/shadow\""),
        ([.hardlink("h", target: "never-seen")], "hard link to \"never-seen\", which is not an earlier file"),
        ([.characterDevice("dev/null")], "archive member \"dev/null\": device, FIFO or socket files are not allowed"),
        ([.fifo("pipe")], "archive member \"pipe\": device, FIFO or socket files are not allowed"),
    ])
    func hostileMembersAreRefused(members: [RawTarWriter.Member], message: String) throws {
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let error = try #require(try extract(members))
        #expect(error.contains(message), "\(error)")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/evil"))
    }

    @Test func sizeAndCountCapsNameTheMemberThatCrossedThem() throws {
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let big = try #require(try extract([.file("a", String(repeating: "x", count: 600)), .file("b", String(repeating: "y", count: 600))],
                                           limits: ExtractionLimits(maxTotalBytes: 1000, maxEntries: 10)))
        #expect(big.contains("archive member \"b\": the archive holds more than 1000 bytes"))
        let many = try #require(try extract((0..<5).map { .file("f\($0)", "") }, limits: ExtractionLimits(maxTotalBytes: 1000, maxEntries: 3)))
        #expect(many.contains("archive member \"f3\": more than 3 members"))
    }

    @Test func wellFormedArchivesExtractWithLinksThatStayInside() throws {
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        #expect(try extract([.directory("src/"), .file("./src/main.go", "package main"), .symlink("src/alias.go", target: "main.go"),
                             .hardlink("copy.go", target: "src/main.go"), .symlink("up", target: "src/../src")]) == nil)
        let out = scratch + "/out"
        #expect(try String(contentsOfFile: out + "/src/alias.go", encoding: .utf8) == "package main")
        #expect(try String(contentsOfFile: out + "/copy.go", encoding: .utf8) == "package main")
    }

    @Test func garbageIsNotAnArchive() throws {
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        #expect(throws: K8sVMError.self) {
            let reader = try ArchiveReader(data: Data("this is not a tar file at all".utf8), name: "junk")
            try SafeExtractor().extract(reader, into: scratch + "/out")
        }
        #expect(!FileManager.default.fileExists(atPath: scratch + "/out"))
    }
}
