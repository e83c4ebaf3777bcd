import Foundation
import K8sVMBuilder
import K8sVMCore
import K8sVMTesting
import PeerContract
import Testing

/// The four verbs of the external-builder contract over the in-memory VM: what the peer sees (exit codes, the
/// directories it handed over), with no backend beneath.
@Suite struct BuilderVerbTests {
    /// Runs `verb` as the peer would, with `vm` as the configured backend, on a thread of its own: a verb blocks the
    /// thread it runs on until its async work is done.
    private func peerRuns(_ verb: BuilderVerb, _ arguments: [String], vm: InMemoryVM) async -> Int32 {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: verb.main(arguments: arguments) {
                    BuilderContext(configuration: Configuration(backends: [vm.backend], sections: []), environment: [:],
                                   makeVM: { _, _ in vm })
                })
            }
            thread.start()
        }
    }

    /// `bin/build` on the package in `directories`.
    private func peerBuilds(_ directories: BuilderDirectories, vm: InMemoryVM) async -> Int32 {
        await peerRuns(.build, [directories.source, directories.metadata, directories.build], vm: vm)
    }

    /// `bin/run` on the build in `directories`, with the `chaincode.json` in its `run/`.
    private func peerRunsTheBuild(_ directories: BuilderDirectories, vm: InMemoryVM) async -> Int32 {
        await peerRuns(.run, [directories.build, directories.runMetadata], vm: vm)
    }

    @Test func detectClaimsExactlyWhatTheVMServes() async throws {
        let vm = InMemoryVM(servableTypes: [.golang])
        let golang = try BuilderDirectories(type: "golang", label: "cc_1")
        defer { golang.remove() }
        let node = try BuilderDirectories(type: "node", label: "cc_1")
        defer { node.remove() }
        #expect(await peerRuns(.detect, [golang.source, golang.metadata], vm: vm) == 0)
        #expect(await peerRuns(.detect, [node.source, node.metadata], vm: vm) == 1)
        #expect(vm.builds.isEmpty, "detect builds nothing")
    }

    @Test func aBuildIsRecordedForRunAndRunEndsWithTheChaincodesCode() async throws {
        let vm = InMemoryVM()
        let directories = try BuilderDirectories(type: "golang", label: "cc_1", files: ["go.mod": "module cc\n", "main.go": "package main\n"])
        defer { directories.remove() }
        #expect(await peerBuilds(directories, vm: vm) == 0)
        #expect(directories.buildEntries() == [BuildRecord.fileName])

        let connection = PeerConnection(chaincodeID: "cc_1:abc", peerAddress: "peer0:7052", mspID: "Org1MSP")
        try directories.writeChaincodeJSON(connection)
        async let code = peerRunsTheBuild(directories, vm: vm)
        let chaincode = await vm.firstLaunch()
        #expect(chaincode.connection == connection)
        #expect(chaincode.build == InMemoryVM.Build(label: "cc_1", sourceFiles: ["go.mod", "main.go"]))
        chaincode.end(.exited(3))
        #expect(await code == 3, "run exits with the chaincode's code")
    }

    @Test func aFailedBuildLeavesTheBuildDirectoryAsItWas() async throws {
        let vm = InMemoryVM(buildFailure: K8sVMError("go build failed"))
        let directories = try BuilderDirectories(type: "golang", label: "cc_1")
        defer { directories.remove() }
        FileManager.default.createFile(atPath: directories.build + "/kept-by-the-peer", contents: Data())
        #expect(await peerBuilds(directories, vm: vm) == 1)
        #expect(vm.builds.count == 1)
        #expect(directories.buildEntries() == ["kept-by-the-peer"], "what build wrote is removed, what was there stays")
    }

    @Test func aTypeTheVMCannotServeIsNotBuilt() async throws {
        let vm = InMemoryVM(servableTypes: [.binary])
        let directories = try BuilderDirectories(type: "java", label: "cc_1")
        defer { directories.remove() }
        #expect(await peerBuilds(directories, vm: vm) == 1)
        #expect(vm.builds.isEmpty)
        #expect(directories.buildEntries().isEmpty)
    }

    @Test func runRefusesABuildOfAnotherBackendAndStartsNothing() async throws {
        let builder = InMemoryVM(backend: "memory")
        let directories = try BuilderDirectories(type: "binary", label: "cc_1")
        defer { directories.remove() }
        #expect(await peerBuilds(directories, vm: builder) == 0)
        try directories.writeChaincodeJSON(PeerConnection(chaincodeID: "cc_1:abc", peerAddress: "peer0:7052"))
        let other = InMemoryVM(backend: "elsewhere")
        #expect(await peerRunsTheBuild(directories, vm: other) == 1)
        #expect(other.launches.isEmpty)
    }

    @Test func runRefusesAChaincodeJSONWithoutAPeerAddress() async throws {
        let vm = InMemoryVM()
        let directories = try BuilderDirectories(type: "binary", label: "cc_1")
        defer { directories.remove() }
        #expect(await peerBuilds(directories, vm: vm) == 0)
        try Data(#"{"chaincode_id":"cc_1:abc"}"#.utf8).write(to: URL(fileURLWithPath: directories.runMetadata + "/chaincode.json"))
        #expect(await peerRunsTheBuild(directories, vm: vm) == 1)
        #expect(vm.launches.isEmpty)
    }

    @Test func releaseHandsThePeerTheStateDatabaseIndexes() async throws {
        let vm = InMemoryVM()
        let directories = try BuilderDirectories(type: "binary", label: "cc_1")
        defer { directories.remove() }
        #expect(await peerBuilds(directories, vm: vm) == 0)
        let index = directories.build + "/META-INF/statedb/couchdb/indexes/owner.json"
        try FileManager.default.createDirectory(atPath: (index as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(#"{"index":{"fields":["owner"]}}"#.utf8).write(to: URL(fileURLWithPath: index))
        #expect(await peerRuns(.release, [directories.build, directories.release], vm: vm) == 0)
        let released = directories.release + "/statedb/couchdb/indexes/owner.json"
        #expect(FileManager.default.contents(atPath: released) == Data(#"{"index":{"fields":["owner"]}}"#.utf8))
    }

    @Test(arguments: [
        (BuilderVerb.detect, 1, Int32(2)), (.build, 2, 2), (.build, 4, 2), (.release, 1, 2), (.run, 3, 2),
    ])
    func theWrongNumberOfArgumentsIsAUsageError(verb: BuilderVerb, count: Int, code: Int32) async throws {
        let directories = try BuilderDirectories(type: "binary", label: "cc_1")
        defer { directories.remove() }
        let vm = InMemoryVM()
        #expect(await peerRuns(verb, Array(repeating: directories.source, count: count), vm: vm) == code)
    }

    @Test func anArgumentThatIsNoDirectoryIsNamed() async throws {
        let directories = try BuilderDirectories(type: "binary", label: "cc_1")
        defer { directories.remove() }
        #expect(await peerRuns(.detect, [directories.source, directories.root + "/missing"], vm: InMemoryVM()) == 1)
    }
}
