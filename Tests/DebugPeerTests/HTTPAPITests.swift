import DebugPeer
import DebugPeerAPI
import Foundation
import K8sVMTesting
import TestSupport
import Testing

/// The HTTP/JSON invoke API over loopback, against a real chaincode.
@Suite struct HTTPAPITests {
    private func withAPI(_ body: (DebugPeer, HTTPTestClient) async throws -> Void) async throws {
        try await withDebugPeer { peer in
            let api = DebugPeerHTTPServer(peer: peer, port: 0)
            let address = try await api.start()
            try await withCleanup({ await api.stop() }) { try await body(peer, HTTPTestClient(address: address)) }
        }
    }

    @Test func invokeQueryListAndReadState() async throws {
        try await withAPI { peer, http in
            try await withChaincode(TestChaincode(), id: "testcc:1.0", on: peer) { _ in
                #expect(try await http.request("GET", "/chaincodes").json["chaincodes"] as? [String] == ["testcc:1.0"])

                let invoked = try await http.request("POST", "/chaincodes/testcc/invoke", body: #"{"Args":["put","color","blue"]}"#)
                #expect(invoked.status == 200)
                #expect(invoked.json["status"] as? Int == 200)
                #expect((invoked.json["txID"] as? String)?.count == 64)

                let queried = try await http.request("POST", "/chaincodes/testcc:1.0/query", body: #"{"function":"get","Args":["color"]}"#)
                #expect(queried.json["payload"] as? String == "blue")

                let failed = try await http.request("POST", "/chaincodes/testcc/invoke", body: #"{"Args":["putThenFail","x","y"]}"#)
                #expect(failed.status == 200)
                #expect(failed.json["status"] as? Int == 500)
                #expect(failed.json["message"] as? String == "refused on purpose")

                let key = try await http.request("GET", "/state/devchannel/testcc?key=color")
                #expect(key.json["value"] as? String == "blue")
                #expect(try await http.request("GET", "/state/devchannel/testcc?key=x").status == 404)
                let listing = try await http.request("GET", "/state/devchannel/testcc?prefix=co")
                #expect((listing.json["entries"] as? [[String: Any]])?.compactMap { $0["key"] as? String } == ["color"])
            }
        }
    }

    @Test func errorsAreJSONWithMeaningfulStatus() async throws {
        try await withAPI { _, http in
            let unknown = try await http.request("POST", "/chaincodes/ghost/invoke", body: #"{"Args":["x"]}"#)
            #expect(unknown.status == 404)
            #expect((unknown.json["error"] as? String)?.contains("'ghost'") == true)
            let malformed = try await http.request("POST", "/chaincodes/ghost/invoke", body: "not json")
            #expect(malformed.status == 400)
            #expect((malformed.json["error"] as? String)?.contains("Args") == true)
        }
    }

    @Test func eventsStreamAsServerSentEvents() async throws {
        try await withAPI { peer, http in
            try await withChaincode(TestChaincode(), id: "testcc:1.0", on: peer) { _ in
                let socket = try LoopbackSocket(port: http.port, receiveTimeoutSeconds: 10)
                socket.write(Array("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
                var received = ""
                while !received.contains(": k8svm debug peer events") {
                    guard case .bytes(let bytes) = try await offload({ socket.read() }) else { Issue.record("no stream greeting"); return }
                    received += String(decoding: bytes, as: UTF8.self)
                }
                #expect(received.contains("text/event-stream"))
                _ = try await http.request("POST", "/chaincodes/testcc/invoke", body: #"{"Args":["event","created","hello"]}"#)
                while !received.contains("\"payload\":\"hello\"") {
                    guard case .bytes(let bytes) = try await offload({ socket.read() }) else { Issue.record("no event arrived: \(received)"); return }
                    received += String(decoding: bytes, as: UTF8.self)
                }
                #expect(received.contains("event: created"))
            }
        }
    }
}
