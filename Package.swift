// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "K8sVM",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "k8svm", targets: ["k8svm"]),
        .library(name: "K8sVMCore", targets: ["K8sVMCore"]),
        .library(name: "ChaincodeArchive", targets: ["ChaincodeArchive"]),
        .library(name: "LocalVM", targets: ["LocalVM"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CArchive",
            pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]
        ),
        .target(
            name: "K8sVMCore",
            dependencies: [
                "CLaunch",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "ChaincodeArchive",
            dependencies: ["CArchive", "K8sVMCore", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(name: "CLaunch"),
        .target(name: "LocalVM", dependencies: ["K8sVMCore", "CLaunch"]),
        .target(name: "K8sVMBuilder", dependencies: ["K8sVMCore", "LocalVM"]),
        .executableTarget(
            name: "k8svm",
            dependencies: [
                "K8sVMCore", "ChaincodeArchive", "LocalVM", "K8sVMBuilder",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "K8sVMCoreTests", dependencies: ["K8sVMCore"]),
        .testTarget(name: "ChaincodeArchiveTests", dependencies: ["ChaincodeArchive", "K8sVMCore", "CArchive"]),
        .testTarget(
            name: "BuilderEndToEndTests",
            dependencies: ["k8svm", "K8sVMCore", "ChaincodeArchive"],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
