import DebugPeer
import Foundation
import K8sVMTesting
import Testing

/// World state ordering and persistence across peer restarts.
@Suite struct WorldStateTests {
    @Test func stateSurvivesARestartWhenAFileIsConfigured() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try await withDebugPeer(configure: { $0.stateFile = file }) { peer in
            try await withChaincode(TestChaincode(), id: "testcc:1.0", on: peer) { _ in
                _ = try await peer.invoke(chaincode: "testcc", "put", "kept", "yes")
            }
        }
        try await withDebugPeer(configure: { $0.stateFile = file }) { peer in
            #expect(peer.state.value(channel: "devchannel", namespace: "testcc", key: "kept") == Data("yes".utf8))
            try await withChaincode(TestChaincode(), id: "testcc:1.0", on: peer) { _ throws in
                #expect(try await peer.query(chaincode: "testcc", "get", "kept").text == "yes")
            }
        }
    }

    @Test func aCorruptStateFileIsReportedByPath() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("{not json".utf8).write(to: file)
        do {
            _ = try DebugPeer(configuration: DebugPeerConfiguration(port: 0, stateFile: file))
            Issue.record("a corrupt state file must be refused")
        } catch let error as DebugPeerError {
            #expect(error.description.contains(file.path))
        }
    }

    @Test func puttingAnEmptyValueDeletesTheKeyLikeFabric() async throws {
        try await withDebugPeer { peer in
            try await withChaincode(TestChaincode(), id: "testcc:1.0", on: peer) { _ in
                _ = try await peer.invoke(chaincode: "testcc", "put", "k", "v")
                _ = try await peer.invoke(chaincode: "testcc", "put", "k", "")
                #expect(peer.state.value(channel: "devchannel", namespace: "testcc", key: "k") == nil)
            }
        }
    }

    @Test func rangesUseByteOrderLikeFabric() async throws {
        try await withDebugPeer { peer in
            try await withChaincode(TestChaincode(), id: "testcc:1.0", on: peer) { _ in
                // Composite keys start with U+0000; U+10FFFF ends a prefix range; "é" sorts after "z" by bytes.
                for key in ["\u{0}asset\u{0}1\u{0}", "b", "z", "é", "a"] {
                    _ = try await peer.invoke(chaincode: "testcc", "put", key, "v")
                }
                #expect(peer.state.entries(channel: "devchannel", namespace: "testcc").map(\.key) == ["\u{0}asset\u{0}1\u{0}", "a", "b", "z", "é"])
                // The shim's empty start key (0x01) skips composite keys, as in Fabric.
                #expect(try await peer.query(chaincode: "testcc", "keys", "", "").text == "a,b,z,é")
            }
        }
    }
}
