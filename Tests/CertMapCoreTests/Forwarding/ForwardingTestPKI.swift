import Crypto
import Foundation
import SwiftASN1
import X509
import XCTest
@testable import CertMapCore

/// A small real PKI for the forwarding tests: root CA → intermediate CA → client leaf, P-256,
/// built with swift-certificates, plus the encodings each proxy puts on the wire.
struct ForwardingTestPKI {
    let root: CertificateIdentity
    let intermediate: CertificateIdentity
    let leaf: CertificateIdentity
    /// A second, unrelated client, for "which element won" tests.
    let otherLeaf: CertificateIdentity

    init() throws {
        let now = Date()
        let rootKey = P256.Signing.PrivateKey()
        let intermediateKey = P256.Signing.PrivateKey()
        let rootName = try DistinguishedName { CountryName("US"); OrganizationName("Contoso"); CommonName("Contoso Root CA") }
        let intermediateName = try DistinguishedName { CountryName("US"); OrganizationName("Contoso"); CommonName("Contoso Issuing CA 1") }
        let caExtensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
            Critical(KeyUsage(keyCertSign: true, cRLSign: true))
        }
        root = try CertificateIdentity(certificate: Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(rootKey.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 86400 * 365,
            issuer: rootName, subject: rootName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: caExtensions, issuerPrivateKey: .init(rootKey)
        ))
        intermediate = try CertificateIdentity(certificate: Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(intermediateKey.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 86400 * 180,
            issuer: rootName, subject: intermediateName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: caExtensions, issuerPrivateKey: .init(rootKey)
        ))
        leaf = try Self.client("alice", email: "alice@contoso.example", issuer: intermediateName, issuerKey: intermediateKey, now: now)
        otherLeaf = try Self.client("mallory", email: "mallory@contoso.example", issuer: intermediateName, issuerKey: intermediateKey, now: now)
    }

    private static func client(_ name: String, email: String, issuer: DistinguishedName, issuerKey: P256.Signing.PrivateKey, now: Date) throws -> CertificateIdentity {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName {
            CountryName("US"); OrganizationName("Contoso"); OrganizationalUnitName("Sales"); CommonName(name)
        }
        return try CertificateIdentity(certificate: Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 86400 * 30,
            issuer: issuer, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.clientAuth])
                SubjectAlternativeNames([.rfc822Name(email)])
            },
            issuerPrivateKey: .init(issuerKey)
        ))
    }
}

/// The wire encodings, each written the way the proxy in question writes it.
enum ProxyEncoding {
    /// Base64 of the DER, as RFC 9440 and HAProxy's `ssl_c_der,base64` produce it.
    static func base64(_ identity: CertificateIdentity) -> String { Data(identity.der).base64EncodedString() }

    /// RFC 9440 §2.1: an RFC 8941 Byte Sequence.
    static func byteSequence(_ identity: CertificateIdentity) -> String { ":\(base64(identity)):" }

    /// PEM as OpenSSL's PEM_write_bio_X509 writes it: 64-character lines, trailing newline.
    static func pem(_ identities: [CertificateIdentity]) -> String {
        identities.map { identity in
            let body = base64(identity)
            var lines: [Substring] = []
            var rest = body[...]
            while !rest.isEmpty { lines.append(rest.prefix(64)); rest = rest.dropFirst(64) }
            return "-----BEGIN CERTIFICATE-----\n" + lines.joined(separator: "\n") + "\n-----END CERTIFICATE-----\n"
        }.joined()
    }

    /// nginx's `ngx_escape_uri(..., NGX_ESCAPE_URI_COMPONENT)` (src/core/ngx_string.c, the
    /// `uri_component` table): every byte except ALPHA, DIGIT, "-", ".", "_", "~" becomes %XX with
    /// upper-case hex. Envoy's `PercentEncoding::urlEncode` for XFCC `Cert=` leaves the same set.
    static func nginxEscaped(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            let scalar = Unicode.Scalar(byte)
            if ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
                || ("0"..."9").contains(scalar) || "-._~".unicodeScalars.contains(scalar) {
                output.unicodeScalars.append(scalar)
            } else {
                output += String(format: "%%%02X", byte)
            }
        }
        return output
    }

    /// nginx's deprecated `$ssl_client_cert`: every line after the first prefixed with a tab,
    /// as sent with obsolete line folding.
    static func nginxTabFolded(_ pem: String) -> String {
        let lines = pem.split(separator: "\n", omittingEmptySubsequences: true)
        return lines.enumerated().map { $0.offset == 0 ? String($0.element) : "\t" + $0.element }.joined(separator: "\n")
    }

    /// A self-signed certificate made by the real `/usr/bin/openssl req -x509`, as PEM text.
    static func opensslSelfSigned(commonName: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-forwarding-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", directory.appendingPathComponent("key.pem").path,
            "-out", directory.appendingPathComponent("cert.pem").path,
            "-subj", "/C=US/O=Contoso/CN=\(commonName)", "-days", "2",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw XCTSkip("openssl req failed with status \(process.terminationStatus)") }
        return try String(contentsOf: directory.appendingPathComponent("cert.pem"), encoding: .utf8)
    }
}

struct UnexpectedResult: Error {}

extension ForwardedCertificateResult {
    /// The certificate, or a test failure naming what came back instead.
    func certificate(file: StaticString = #filePath, line: UInt = #line) throws -> ForwardedCertificate {
        guard case .certificate(let certificate) = self else {
            XCTFail("expected a certificate, got \(self)", file: file, line: line)
            throw UnexpectedResult()
        }
        return certificate
    }
}
