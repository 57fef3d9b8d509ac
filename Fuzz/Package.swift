// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for every certmap parser that reads untrusted bytes. Build and run them with
// `scripts/fuzz.sh TARGET SECONDS` (see Fuzz/README.md); a plain `swift build` here makes
// binaries without a fuzzing engine.
//
// The library code is certmap's own, compiled here from the same files through symlinks:
// Sources/CertMapCore, Sources/CertMapJournal and Sources/CZlib link to the root package's
// directories, and Sources/CertMapConsoleParsers holds links to the seven console files the filter
// and theme parsers need (so the rest of the console, ncurses and console work in progress stay
// out of the fuzz build). The root package is deliberately not a dependency: it exports only
// CertMapCore as a library, and a package that depends on it may not declare targets named like
// its other targets (SwiftPM: "multiple packages declare targets with a conflicting name").
// Keep the dependencies below in step with the root Package.swift; scripts/fuzz.sh copies the
// root Package.resolved here so both builds use the same versions.
let package = Package(
    name: "certmap-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.0"),
        .package(url: "https://github.com/apple/swift-http-structured-headers.git", from: "1.7.0"),
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
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        // -enable-testing: the journal-gzip and journal-zstd targets reach the internal readers with @testable import.
        .target(name: "CertMapJournal", dependencies: ["CertMapCore", "CZlib", "CZstd"], swiftSettings: [.unsafeFlags(["-enable-testing"])]),
        .target(name: "CertMapConsoleParsers", dependencies: ["CertMapCore", "CertMapJournal"]),
        .target(name: "FuzzSupport", dependencies: ["CertMapCore"]),
    ] + [
        // One executable per fuzz target; scripts/fuzz.sh maps `forwarded-headers` to FuzzForwardedHeaders and so on.
        ("FuzzForwardedHeaders", []),
        ("FuzzCertificateLoader", []),
        ("FuzzCRL", [.product(name: "X509", package: "swift-certificates")]),
        ("FuzzConfig", []),
        ("FuzzIIS", []),
        ("FuzzJournal", ["CertMapJournal"]),
        ("FuzzJournalGzip", ["CertMapJournal"]),
        ("FuzzJournalZstd", ["CertMapJournal"]),
        ("FuzzHAR", ["CertMapJournal"]),
        ("FuzzFilter", ["CertMapJournal", "CertMapConsoleParsers"]),
        ("FuzzSmallParsers", ["CertMapConsoleParsers", .product(name: "X509", package: "swift-certificates"), .product(name: "SwiftASN1", package: "swift-asn1")]),
    ].map { (name: String, extra: [Target.Dependency]) in
        .executableTarget(name: name, dependencies: ["CertMapCore", "FuzzSupport"] + extra)
    }
)
