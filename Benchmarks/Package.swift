// swift-tools-version:6.2
import PackageDescription

// Peers for scripts/bench.sh, built from the same package list as certmap and kept out of its
// build and its `swift test`: what this stack can do on this machine without certmap's work.
//   bare-nio-server     SwiftNIO + NIOSSL, client certificate required and verified, one fixed answer
//   hummingbird-server  hummingbird 2 with HummingbirdTLS, the same answer
let package = Package(
    name: "certmap-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
    ],
    targets: [
        // The arguments and TLS set-up both peers share.
        .target(name: "PeerSupport", dependencies: [.product(name: "NIOSSL", package: "swift-nio-ssl")]),
        .executableTarget(
            name: "BareNIOServer",
            dependencies: [
                "PeerSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .executableTarget(
            name: "HummingbirdServer",
            dependencies: [
                "PeerSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
