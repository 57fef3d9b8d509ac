// swift-tools-version:6.1
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
        .package(url: "https://github.com/apple/swift-http-structured-headers.git", from: "1.7.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.2.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.0"),
        // OpenTelemetry export over OTLP/HTTP only: the gRPC exporter's dependencies stay out of the build.
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.2.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
    ],
    targets: [
        .target(
            name: "CertMapCore",
            dependencies: [
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "RawStructuredFieldValues", package: "swift-http-structured-headers"),
            ]
        ),
        // zlib from the system, for journal segments of older versions and gzip-compressed access logs.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // zstd from the system, for the journal's segments (zstdcat reads them).
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .target(
            name: "CertMapJournal",
            dependencies: ["CertMapCore", "CZlib", "CZstd"]
        ),
        // What the server and the proxies share about sockets (listener options, TCP_QUICKACK, address text).
        .target(
            name: "CertMapNIOSupport",
            dependencies: [.product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")]
        ),
        .target(
            name: "CertMapServer",
            dependencies: [
                "CertMapCore", "CertMapJournal", "CertMapNIOSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Atomics", package: "swift-atomics"),
            ]
        ),
        .target(
            name: "CertMapProxy",
            dependencies: [
                "CertMapCore", "CertMapJournal", "CertMapNIOSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
            ]
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
                "CertMapCore", "CertMapJournal", "CertMapServer", "CertMapProxy", "CertMapConsole",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // Helpers the test targets share (a seeded generator for property tests, external tools as processes).
        .target(
            name: "CertMapTestSupport",
            path: "Tests/CertMapTestSupport"
        ),
        .testTarget(
            name: "CertMapCoreTests",
            dependencies: ["CertMapCore", "CertMapTestSupport"]
        ),
        .testTarget(
            name: "CertMapServerTests",
            dependencies: [
                "CertMapServer", "CertMapCore", "CertMapJournal", "CertMapNIOSupport", "CertMapTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "CertMapProxyTests",
            dependencies: [
                "CertMapProxy", "CertMapServer", "CertMapCore", "CertMapJournal", "CertMapTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "CertMapJournalTests",
            dependencies: ["CertMapJournal", "CertMapCore", "CertMapTestSupport"]
        ),
        .testTarget(
            name: "CertMapConsoleTests",
            dependencies: ["CertMapConsole", "CertMapCore", "CertMapJournal", "CertMapTestSupport"],
            resources: [.copy("Snapshots")]
        ),
        .testTarget(
            name: "certmapTests",
            dependencies: ["certmap", "CertMapCore", "CertMapJournal", "CertMapTestSupport"]
        ),
    ]
)
