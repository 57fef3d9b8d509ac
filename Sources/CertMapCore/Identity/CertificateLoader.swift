import Foundation
import SwiftASN1
import X509

/// Reads certificates from the files operators actually have: PEM (one or a bundle) or raw DER.
///
/// The errors say what the file holds instead when it is not a certificate (a private key, a
/// CSR, a CRL, garbage), because "could not parse" is useless at 3 a.m.
public enum CertificateLoader {
    /// Parses every certificate in `bytes` (PEM bundle or a single DER certificate).
    /// - Parameter source: how to name the input in errors (usually the file path).
    public static func certificates(from bytes: [UInt8], source: String) throws -> [CertificateIdentity] {
        guard !bytes.isEmpty else { throw CertificateLoadError.empty(source: source) }
        if let text = String(bytes: bytes, encoding: .utf8), text.contains("-----BEGIN ") {
            return try fromPEM(text, source: source)
        }
        if bytes.first == 0x30 {
            do {
                return [try CertificateIdentity(derEncoded: bytes)]
            } catch {
                throw CertificateLoadError.invalidDER(source: source, reason: PeopleText.describe(asn1: error))
            }
        }
        throw CertificateLoadError.unknownFormat(source: source)
    }

    /// Reads and parses the file at `url`.
    public static func certificates(at url: URL) throws -> [CertificateIdentity] {
        let bytes: [UInt8]
        do {
            bytes = Array(try PeopleText.read(url))
        } catch {
            throw CertificateLoadError.unreadable(source: url.path, reason: error.problem)
        }
        return try certificates(from: bytes, source: url.path)
    }

    /// Reads the file at `url` and returns its first certificate (the leaf) and the rest (the chain).
    public static func leafAndChain(at url: URL) throws -> (leaf: CertificateIdentity, chain: [CertificateIdentity]) {
        let all = try certificates(at: url)
        return (all[0], Array(all.dropFirst()))
    }

    private static func fromPEM(_ text: String, source: String) throws -> [CertificateIdentity] {
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: text)
        } catch {
            throw CertificateLoadError.invalidPEM(source: source, reason: PeopleText.describe(asn1: error))
        }
        let certificateDocuments = documents.filter { $0.discriminator == "CERTIFICATE" }
        guard !certificateDocuments.isEmpty else {
            throw CertificateLoadError.notACertificate(source: source, found: documents.map(\.discriminator))
        }
        return try certificateDocuments.enumerated().map { index, document in
            do {
                return try CertificateIdentity(derEncoded: document.derBytes)
            } catch {
                throw CertificateLoadError.invalidDER(
                    source: "\(source) (certificate \(index + 1))",
                    reason: PeopleText.describe(asn1: error)
                )
            }
        }
    }
}

/// Why a certificate file could not be used, phrased for the person who handed it over.
public enum CertificateLoadError: Error, Equatable, CustomStringConvertible {
    case empty(source: String)
    case unreadable(source: String, reason: String)
    case invalidPEM(source: String, reason: String)
    case invalidDER(source: String, reason: String)
    case notACertificate(source: String, found: [String])
    case unknownFormat(source: String)

    public var description: String {
        switch self {
        case .empty(let source):
            return "\(source): the file is empty; expected a PEM or DER certificate"
        case .unreadable(let source, let reason):
            return "\(source): \(reason)"
        case .invalidPEM(let source, let reason):
            return "\(source): malformed PEM: \(reason)"
        case .invalidDER(let source, let reason):
            return "\(source): not a valid X.509 certificate: \(reason)"
        case .notACertificate(let source, let found):
            let kinds = found.map { "\"\($0)\"" }.joined(separator: ", ")
            let hint = found.contains(where: { $0.contains("PRIVATE KEY") }) ? " (this looks like the .key file; give the .crt)" : ""
            return "\(source): no CERTIFICATE block; the file holds \(kinds)\(hint)"
        case .unknownFormat(let source):
            return "\(source): neither PEM nor DER; expected a file starting with \"-----BEGIN CERTIFICATE-----\" or a DER SEQUENCE"
        }
    }
}
