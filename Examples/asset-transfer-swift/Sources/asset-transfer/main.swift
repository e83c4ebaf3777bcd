import ChaincodeShim

// Run Swift Concurrency on the gRPC event loops (must come before any await).
ChaincodeServer.installEventLoopExecutor()

// Reads CORE_CHAINCODE_ID_NAME, -peer.address=HOST:PORT and the CORE_PEER_TLS_* /
// CORE_TLS_CLIENT_* variables like a Go chaincode, then serves until the peer goes away.
await ChaincodeServer.main(AssetTransfer())
