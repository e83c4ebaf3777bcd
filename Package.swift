// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "K8sVM",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "k8svm", targets: ["k8svm"]),
        .library(name: "K8sVMCore", targets: ["K8sVMCore"]),
        .library(name: "PeerContract", targets: ["PeerContract"]),
        .library(name: "ChaincodeArchive", targets: ["ChaincodeArchive"]),
        .library(name: "LocalVM", targets: ["LocalVM"]),
        .library(name: "ChaincodeProtocol", targets: ["ChaincodeProtocol"]),
        .library(name: "DebugPeer", targets: ["DebugPeer"]),
        .library(name: "ChaincodeShim", targets: ["ChaincodeShim"]),
        .library(name: "KubernetesClient", targets: ["KubernetesClient"]),
        .library(name: "KubernetesVM", targets: ["KubernetesVM"]),
        .library(name: "OCIRegistry", targets: ["OCIRegistry"]),
        .library(name: "ImageBuild", targets: ["ImageBuild"]),
        // Test doubles for what sits above the VM interface, and the fake kube-apiserver (as HummingbirdTesting).
        .library(name: "K8sVMTesting", targets: ["K8sVMTesting", "FakeKubeAPIServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        .systemLibrary(
            name: "CArchive",
            providers: [.apt(["libarchive-dev"])]
        ),
        .target(name: "PeerContract"),
        .target(
            name: "K8sVMCore",
            dependencies: [
                "CLaunch", "PeerContract",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "ChaincodeArchive",
            dependencies: ["CArchive", "CArchiveTrim", "K8sVMCore", .product(name: "Crypto", package: "swift-crypto")],
            // No unsafe flags in a library (SwiftPM refuses them in dependencies): the release k8svm links libarchive
            // statically through its own link directory (Sources/k8svm/link/libarchive.so).
            linkerSettings: [.linkedLibrary("archive"), .linkedLibrary("z")]
        ),
        .target(name: "CArchiveTrim", cSettings: [.define("K8SVM_STATIC_LIBARCHIVE", .when(configuration: .release))]),
        .target(name: "CLaunch"),
        .target(name: "CSandbox"),
        .target(name: "SandboxVM", dependencies: ["K8sVMCore", "PeerContract", "LocalVM", "CSandbox"]),
        .target(
            name: "SandboxService",
            dependencies: [
                "SandboxVM", "K8sVMCore", "PeerContract", "DevMode", "DebugPeer", "DebugPeerAPI", "ChaincodeArchive",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "LocalVM", dependencies: ["K8sVMCore", "PeerContract", "CLaunch"]),
        .target(name: "K8sVMBuilder", dependencies: ["K8sVMCore", "PeerContract"]),
        .target(
            name: "HTTPTransport",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(
            name: "KubernetesClient",
            dependencies: [
                "HTTPTransport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "OCIRegistry",
            dependencies: [
                "HTTPTransport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(name: "OCIRegistryBenchmark", dependencies: ["OCIRegistry"]),
        .target(
            name: "KubernetesVM",
            dependencies: [
                "K8sVMCore", "PeerContract", "KubernetesClient", "OCIRegistry", "ImageBuild",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "ImageBuild",
            dependencies: [
                "K8sVMCore", "KubernetesClient", "ChaincodeArchive", "OCIRegistry",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ]
        ),
        .target(
            name: "ChaincodeProtocol",
            dependencies: [
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            exclude: ["protos"]
        ),
        .target(
            name: "DebugPeer",
            dependencies: [
                "ChaincodeProtocol", "PeerContract",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .target(
            name: "ChaincodeShim",
            dependencies: [
                "ChaincodeProtocol", "PeerContract",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ]
        ),
        .target(
            name: "DebugPeerAPI",
            dependencies: [
                "DebugPeer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "DevMode",
            dependencies: ["K8sVMCore", "PeerContract", "LocalVM", "DebugPeer", "DebugPeerAPI"]
        ),
        .executableTarget(
            name: "AssetTransferExample",
            dependencies: ["ChaincodeShim"],
            path: "Examples/asset-transfer-swift/Sources/asset-transfer"
        ),
        .executableTarget(
            name: "DebugPeerBenchmark",
            dependencies: [
                "DebugPeer", "ChaincodeShim",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "k8svm",
            dependencies: [
                "K8sVMCore", "ChaincodeArchive", "LocalVM", "K8sVMBuilder", "DevMode", "KubernetesVM", "SandboxVM", "SandboxService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            exclude: ["link"],
            // The release binary is copied into peer images: no Swift runtime or libstdc++ needed there, and a
            // `detect` starts in a few milliseconds: no PIE relocations, unused code dropped, no symbol table exported
            // for the dynamic loader to search, libstdc++ and libarchive linked in (`link/libstdc++.so` hides the
            // shared libstdc++; `link/libarchive.so` names the static libarchive, so only its tar and gzip code comes
            // along, see CArchiveTrim, and a `detect` loads no shared library beyond libc, libm, libz and libgcc_s).
            // lld places the functions a `run` executes together (`link/hot-code.order`, from
            // scripts/order-hot-code.py; scripts/build-release.sh gives each function a section lld can move).
            linkerSettings: [.unsafeFlags(["-static-stdlib", "-use-ld=lld", "-Xlinker", "--gc-sections", "-Xclang-linker", "-no-pie",
                                           "-Xlinker", "--symbol-ordering-file=" + Context.packageDirectory + "/Sources/k8svm/link/hot-code.order",
                                           "-Xlinker", "--no-warn-symbol-ordering",
                                           "-Xlinker", "--no-export-dynamic",
                                           "-L", Context.packageDirectory + "/Sources/k8svm/link", "-l:libstdc++.a"],
                                          .when(configuration: .release)),
                             // Static Foundation's CharacterSet and DateFormatter need CoreFoundation and the collections, which are not autolinked.
                             .linkedLibrary("CoreFoundation", .when(configuration: .release)),
                             .linkedLibrary("_FoundationCollections", .when(configuration: .release)),
                             .linkedLibrary("_FoundationCShims", .when(configuration: .release)),
                             .linkedLibrary("_FoundationICU", .when(configuration: .release))]
        ),
        .testTarget(name: "DevModeTests", dependencies: ["DevMode"]),
        .testTarget(name: "K8sVMCoreTests", dependencies: ["K8sVMCore", "PeerContract", "TestSupport"]),
        .target(name: "K8sVMTesting", dependencies: ["K8sVMCore", "PeerContract", "DebugPeer", "ChaincodeShim", "TestSupport"],
                path: "Tests/K8sVMTesting"),
        .testTarget(name: "K8sVMBuilderTests", dependencies: ["K8sVMBuilder", "K8sVMCore", "PeerContract", "K8sVMTesting"]),
        .testTarget(name: "KubernetesTests", dependencies: ["KubernetesClient", "HTTPTransport", "KubernetesVM", "K8sVMCore", "PeerContract", "FakeKubeAPIServer", "TestSupport"]),
        .target(
            name: "FakeKubeAPIServer",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            path: "Tests/FakeKubeAPIServer"
        ),
        .testTarget(
            name: "HTTPTransportTests",
            dependencies: ["HTTPTransport", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")]
        ),
        .testTarget(name: "FakeKubeAPIServerTests", dependencies: ["FakeKubeAPIServer", "TestSupport"]),
        .executableTarget(
            name: "KubernetesRunBenchmark",
            dependencies: ["FakeKubeAPIServer"],
            path: "Tests/KubernetesRunBenchmark"
        ),
        .executableTarget(
            name: "ImageBuildBenchmark",
            dependencies: ["TestServices", "K8sVMCore"],
            path: "Tests/ImageBuildBenchmark"
        ),
        .testTarget(
            name: "StageOneTests",
            dependencies: ["ImageBuild", "OCIRegistry", "TestServices", "TestSupport", "FakeKubeAPIServer", "KubernetesClient", "K8sVMCore",
                           .product(name: "AsyncHTTPClient", package: "async-http-client"),
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOHTTP1", package: "swift-nio"),
                           .product(name: "NIOFoundationCompat", package: "swift-nio"),
                           .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(name: "ChaincodeArchiveTests", dependencies: ["ChaincodeArchive", "K8sVMCore", "CArchive"]),
        .testTarget(
            name: "BuilderEndToEndTests",
            dependencies: ["k8svm", "AssetTransferExample", "K8sVMCore", "ChaincodeArchive", "KubernetesClient",
                           "FakeKubeAPIServer", "TestServices", "TestSupport", .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "SandboxTests",
            dependencies: ["k8svm", "AssetTransferExample", "SandboxVM", "K8sVMCore"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "DebugPeerTests",
            dependencies: [
                "DebugPeer", "DebugPeerAPI", "ChaincodeShim", "ChaincodeProtocol", "PeerContract", "AssetTransferExample", "TestSupport",
                "K8sVMTesting",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "TestServices",
            dependencies: [
                "ImageBuild", "KubernetesClient", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            path: "Tests/TestServices"
        ),
        .testTarget(name: "OCIRegistryTests", dependencies: ["OCIRegistry", "TestServices", "TestSupport", .product(name: "NIOCore", package: "swift-nio")]),
        // withCleanup: what a test starts is stopped also when the test throws.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
    ],
    swiftLanguageModes: [.v6]
)
