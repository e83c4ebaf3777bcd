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
            dependencies: ["CArchive", "K8sVMCore", .product(name: "Crypto", package: "swift-crypto")],
            // Release: libarchive is linked statically, so only its tar and gzip code comes along and a `detect` does not
            // load the dozen shared libraries libarchive.so needs (libxml2, ICU, zstd, ...); those stay listed, as
            // needed only, in case a libarchive build references them. Debug builds use the shared library.
            linkerSettings: [
                .unsafeFlags(["-Xlinker", "-Bstatic", "-Xlinker", "-larchive", "-Xlinker", "-Bdynamic",
                              "-Xlinker", "--as-needed",
                              "-l:libnettle.so.8", "-l:libacl.so.1", "-l:liblzma.so.5", "-l:libzstd.so.1",
                              "-l:liblz4.so.1", "-l:libbz2.so.1.0", "-l:libxml2.so.2",
                              "-Xlinker", "--no-as-needed"],
                             .when(configuration: .release)),
                .linkedLibrary("archive", .when(configuration: .debug)),
                .linkedLibrary("z"),
            ]
        ),
        .target(name: "CLaunch"),
        .target(name: "LocalVM", dependencies: ["K8sVMCore", "CLaunch"]),
        .target(name: "K8sVMBuilder", dependencies: ["K8sVMCore", "LocalVM"]),
        .executableTarget(
            name: "k8svm",
            dependencies: [
                "K8sVMCore", "ChaincodeArchive", "LocalVM", "K8sVMBuilder",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // The release binary is copied into peer images: no Swift runtime needed there, and a `detect` starts
            // in a few milliseconds (no PIE relocations, unused code dropped).
            linkerSettings: [.unsafeFlags(["-static-stdlib", "-Xlinker", "--gc-sections", "-Xclang-linker", "-no-pie"],
                                          .when(configuration: .release))]
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
