// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "certmap",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "certmap", targets: ["certmap"]),
        .library(name: "CertMapCore", targets: ["CertMapCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
    ],
    targets: [
        .target(
            name: "CertMapCore",
            dependencies: [
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .target(
            name: "CertMapJournal",
            dependencies: ["CertMapCore"]
        ),
        .systemLibrary(
            name: "CNCurses",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncursesw5-dev"])]
        ),
        .target(
            name: "CertMapConsole",
            dependencies: ["CertMapCore", "CertMapJournal", "CNCurses"]
        ),
        .executableTarget(
            name: "certmap",
            dependencies: [
                "CertMapCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "CertMapCoreTests",
            dependencies: ["CertMapCore"]
        ),
        .testTarget(
            name: "CertMapConsoleTests",
            dependencies: ["CertMapConsole", "CertMapCore", "CertMapJournal"],
            resources: [.copy("Snapshots")]
        ),
        .testTarget(
            name: "certmapTests",
            dependencies: ["certmap"]
        ),
    ]
)
