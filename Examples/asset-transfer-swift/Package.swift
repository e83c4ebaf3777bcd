// swift-tools-version:6.0
import PackageDescription

// The asset-transfer chaincode written with the K8sVM Swift shim. Build with
// `swift build -c release`; run like any Fabric chaincode:
//   CORE_CHAINCODE_ID_NAME=asset:1.0 CORE_PEER_TLS_ENABLED=false .build/release/asset-transfer -peer.address=127.0.0.1:7052
let package = Package(
    name: "asset-transfer-swift",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "K8sVM", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "asset-transfer",
            dependencies: [.product(name: "ChaincodeShim", package: "K8sVM")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
