import CertMapTestSupport
import Foundation
import XCTest
@testable import CertMapCore

/// Property-style: thousands of random and garbled values per format, from a seeded generator so
/// a failure reproduces. Garbage must come back as `.malformed` (or `.none` for an empty proxy
/// variable), never as a certificate and never as a crash.
final class ForwardedHeaderGarbageTests: XCTestCase {
    private static let iterations = 3000

    /// Characters that matter to at least one of the grammars, plus some that matter to none.
    private static let alphabet = Array(#"ABCMIIwxyz0189+/=:;,"\%-_ .()?*abEe-----BEGIN CERTIFICATE-----é"# + "\t\n")

    private func randomText(_ generator: inout SeededGenerator, maxLength: Int = 120) -> String {
        String((0..<Int.random(in: 0...maxLength, using: &generator)).map { _ in Self.alphabet.randomElement(using: &generator)! })
    }

    private func randomBase64(_ generator: inout SeededGenerator) -> String {
        let bytes = (0..<Int.random(in: 1...300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString()
    }

    /// Replaces, inserts or deletes a few characters of `text`.
    private func garble(_ text: String, _ generator: inout SeededGenerator) -> String {
        var characters = Array(text)
        for _ in 0..<Int.random(in: 1...4, using: &generator) where !characters.isEmpty {
            let position = Int.random(in: 0..<characters.count, using: &generator)
            switch Int.random(in: 0..<3, using: &generator) {
            case 0: characters[position] = Self.alphabet.randomElement(using: &generator)!
            case 1: characters.insert(Self.alphabet.randomElement(using: &generator)!, at: position)
            default: characters.remove(at: position)
            }
        }
        return String(characters)
    }

    private func assertNeverACertificate(_ format: ForwardedCertificateFormat, seed: UInt64,
                                         value: (inout SeededGenerator) -> [(name: String, value: String)]) {
        var generator = SeededGenerator(seed: seed)
        let parser = ForwardedCertificateParser(settings: .init(enabledFormats: [format]))
        var malformed = 0
        for iteration in 0..<Self.iterations {
            let headers = value(&generator)
            switch parser.parse(headers: headers) {
            case .malformed(let error):
                malformed += 1
                XCTAssertFalse(error.description.isEmpty)
            case .none:
                break
            case .certificate:
                XCTFail("\(format) iteration \(iteration) produced a certificate from \(headers)")
                return
            }
        }
        XCTAssertGreaterThan(malformed, Self.iterations / 2, "\(format): most garbage must be reported as malformed")
    }

    func testGarbageClientCertValuesAreNeverACertificate() {
        assertNeverACertificate(.rfc9440, seed: 9440) { generator in
            let value = Bool.random(using: &generator) ? ":\(self.randomBase64(&generator)):" : self.randomText(&generator)
            var headers = [(name: "Client-Cert", value: Bool.random(using: &generator) ? self.garble(value, &generator) : value)]
            if Bool.random(using: &generator) { headers.append((name: "Client-Cert-Chain", value: self.randomText(&generator))) }
            return headers
        }
    }

    func testGarbageXFCCValuesAreNeverACertificate() {
        assertNeverACertificate(.xfcc, seed: 0xE4F0) { generator in
            let cert = ProxyEncoding.nginxEscaped("-----BEGIN CERTIFICATE-----\n\(self.randomBase64(&generator))\n-----END CERTIFICATE-----\n")
            let value = "By=spiffe://a;Hash=\(self.randomText(&generator, maxLength: 10));Cert=\"\(cert)\";Subject=\"\(self.randomText(&generator))\""
            return [(name: "X-Forwarded-Client-Cert", value: self.garble(value, &generator))]
        }
    }

    func testGarbageEscapedPEMValuesAreNeverACertificate() {
        assertNeverACertificate(.escapedPEM, seed: 0x6E61) { generator in
            let pem = "-----BEGIN CERTIFICATE-----\n\(self.randomBase64(&generator))\n-----END CERTIFICATE-----\n"
            let value = Bool.random(using: &generator) ? ProxyEncoding.nginxEscaped(pem) : self.randomText(&generator)
            return [(name: "X-SSL-Client-Cert", value: self.garble(value, &generator))]
        }
    }

    func testGarbageBase64DERValuesAreNeverACertificate() {
        assertNeverACertificate(.base64DER, seed: 0x4841) { generator in
            let value = Bool.random(using: &generator) ? self.randomBase64(&generator) : self.randomText(&generator)
            return [(name: "X-SSL-Client-DER", value: Bool.random(using: &generator) ? self.garble(value, &generator) : value)]
        }
    }

    /// Garbling a *real* value may leave it decodable (a changed signature byte still parses as
    /// a certificate; signature checking downstream rejects it), so the property here is weaker:
    /// no crash, every outcome is one of the three, and most garbles are reported as malformed.
    func testGarbledRealValuesNeverCrashAndAreMostlyMalformed() throws {
        let pki = try ForwardingTestPKI()
        var generator = SeededGenerator(seed: 0xCE47)
        let parser = ForwardedCertificateParser()
        let originals: [(name: String, value: String)] = [
            ("Client-Cert", ProxyEncoding.byteSequence(pki.leaf)),
            ("X-Forwarded-Client-Cert", "Hash=aa;Cert=\"\(ProxyEncoding.nginxEscaped(ProxyEncoding.pem([pki.leaf])))\""),
            ("X-SSL-Client-Cert", ProxyEncoding.nginxEscaped(ProxyEncoding.pem([pki.leaf]))),
            ("X-SSL-Client-DER", ProxyEncoding.base64(pki.leaf)),
        ]
        var outcomes = (certificate: 0, malformed: 0, none: 0)
        for _ in 0..<Self.iterations {
            let original = originals.randomElement(using: &generator)!
            switch parser.parse(headers: [(original.name, garble(original.value, &generator))]) {
            case .certificate: outcomes.certificate += 1
            case .malformed: outcomes.malformed += 1
            case .none: outcomes.none += 1
            }
        }
        XCTAssertEqual(outcomes.certificate + outcomes.malformed + outcomes.none, Self.iterations)
        XCTAssertGreaterThan(outcomes.malformed, Self.iterations / 2, "\(outcomes)")
    }

    /// Every header at once, with random bytes decoded leniently as UTF-8 (what a server sees after
    /// replacing invalid sequences): precedence picks one format, and garbage is never a certificate.
    func testRandomBytesInEveryHeaderAtOnceAreNeverACertificate() {
        var generator = SeededGenerator(seed: 0xB17E5)
        let parser = ForwardedCertificateParser()
        let names = ["Client-Cert", "Client-Cert-Chain", "X-Forwarded-Client-Cert", "X-SSL-Client-Cert", "X-SSL-Client-DER"]
        for iteration in 0..<Self.iterations {
            let headers = names.filter { _ in Bool.random(using: &generator) }.map { name in
                let bytes = (0..<Int.random(in: 0...200, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                return (name: name, value: String(decoding: bytes, as: UTF8.self))
            }
            if case .certificate = parser.parse(headers: headers) {
                return XCTFail("iteration \(iteration) produced a certificate from random bytes")
            }
        }
    }

    /// A real value cut short at every length is never *another* certificate: it is malformed, absent,
    /// or — only when nothing that matters was cut — the original certificate.
    func testEveryTruncationOfARealValueIsMalformedOrTheOriginal() throws {
        let pki = try ForwardingTestPKI()
        let parser = ForwardedCertificateParser()
        let originals: [(name: String, value: String)] = [
            ("Client-Cert", ProxyEncoding.byteSequence(pki.leaf)),
            ("X-Forwarded-Client-Cert", "Hash=aa;Cert=\"\(ProxyEncoding.nginxEscaped(ProxyEncoding.pem([pki.leaf])))\""),
            ("X-SSL-Client-Cert", ProxyEncoding.nginxEscaped(ProxyEncoding.pem([pki.leaf]))),
            ("X-SSL-Client-DER", ProxyEncoding.base64(pki.leaf)),
        ]
        for original in originals {
            var malformed = 0
            for length in 0..<original.value.count {
                switch parser.parse(headers: [(original.name, String(original.value.prefix(length)))]) {
                case .certificate(let forwarded):
                    XCTAssertEqual(forwarded.leaf.sha256, pki.leaf.sha256, "\(original.name) cut to \(length) characters became another certificate")
                case .malformed: malformed += 1
                case .none: break
                }
            }
            XCTAssertGreaterThan(malformed, original.value.count * 9 / 10, "\(original.name): nearly every truncation must be reported as malformed")
        }
    }
}
