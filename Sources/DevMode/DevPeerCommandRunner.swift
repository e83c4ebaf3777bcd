import Foundation
import K8sVMCore

/// `k8svm dev peer`: the embedded debug peer and its API, until Ctrl-C.
public enum DevPeerCommandRunner {
    public static func run(_ options: DevPeerServers.Options) async throws -> Int32 {
        let (signals, continuation) = AsyncStream<Int32>.makeStream()
        TerminationSignals.shared.setHandler { continuation.yield($0) }
        defer { TerminationSignals.shared.setHandler(nil) }
        let servers = try await DevPeerServers.start(options)
        servers.announce()
        if options.chaincodes.isEmpty {
            say(options.tls
                ? "for a chaincode started elsewhere, restart with --chaincode NAME:VERSION (its TLS material and variables), or POST http://\(servers.apiAddress)/chaincodes/NAME:VERSION/material"
                : "start any chaincode against it: CORE_CHAINCODE_ID_NAME=name:1.0 CORE_PEER_TLS_ENABLED=false ./chaincode -peer.address=\(servers.peerAddress)")
        }
        var code: Int32 = 0
        for await signal in signals {
            say("signal \(signal): stopping")
            code = 128 + signal
            break
        }
        await servers.stop()
        return code
    }
}
