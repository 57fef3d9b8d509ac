import Foundation
import SwiftASN1
import X509

/// The certificates certmap trusts for client authentication: self-signed roots from the CA
/// bundle are trust anchors, every other certificate in it (plus any extra intermediates) may
/// be used to build a chain but is not trusted on its own — as IIS's "CTL" and Windows'
/// intermediate store behave.
public struct TrustStore: Sendable, Hashable {
    /// Self-signed certificates that anchor trust.
    public let anchors: [Certificate]
    /// Non-root CA certificates available for chain building.
    public let intermediates: [Certificate]

    /// Creates a store from already-parsed certificates.
    public init(anchors: [Certificate], intermediates: [Certificate] = []) {
        self.anchors = anchors
        self.intermediates = intermediates
    }

    /// Parses a PEM CA bundle; `source` names it in errors (a path, or "CA bundle").
    public init(bundlePEM: String, extraIntermediates: [Certificate] = [], source: String = "CA bundle") throws {
        let certificates = try Self.parseCertificates(bundlePEM, source: source)
        let anchors = certificates.filter(Self.isSelfSigned)
        guard !anchors.isEmpty else { throw TrustStoreError.noTrustAnchor(source: source) }
        self.anchors = anchors
        self.intermediates = certificates.filter { !Self.isSelfSigned($0) } + extraIntermediates
    }

    /// Loads a PEM CA bundle from disk; errors name the file.
    public static func load(bundleAt url: URL, extraIntermediates: [Certificate] = []) throws -> TrustStore {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw TrustStoreError.unreadable(source: url.path, reason: PeopleText.describe(fileSystem: error))
        }
        return try TrustStore(bundlePEM: text, extraIntermediates: extraIntermediates, source: url.path)
    }

    /// The anchors as a swift-certificates root store.
    public var rootStore: CertificateStore { CertificateStore(anchors) }

    /// Every certificate in the store, anchors first.
    public var allCertificates: [Certificate] { anchors + intermediates }

    /// Whether `certificate` is byte-for-byte one of the anchors.
    public func isAnchor(_ certificate: Certificate) -> Bool {
        anchors.contains(certificate)
    }

    /// A root is a certificate whose own key verifies its signature and that names itself
    /// as issuer (RFC 5280 §6.1 "self-signed").
    static func isSelfSigned(_ certificate: Certificate) -> Bool {
        certificate.issuer == certificate.subject
            && certificate.publicKey.isValidSignature(certificate.signature, for: certificate)
    }

    /// Every CERTIFICATE block of a PEM text, in order. Other block types are rejected by
    /// number, so a stray private key in a bundle is reported rather than ignored.
    static func parseCertificates(_ pem: String, source: String) throws -> [Certificate] {
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: pem)
        } catch {
            throw TrustStoreError.invalidCertificate(source: source, index: 1, reason: "\(error)")
        }
        guard !documents.isEmpty else { throw TrustStoreError.noCertificates(source: source) }
        return try documents.enumerated().map { index, document in
            guard document.discriminator == "CERTIFICATE" else {
                throw TrustStoreError.invalidCertificate(
                    source: source, index: index + 1, reason: "found a \(document.discriminator) block"
                )
            }
            do {
                return try Certificate(derEncoded: document.derBytes)
            } catch {
                throw TrustStoreError.invalidCertificate(source: source, index: index + 1, reason: "\(error)")
            }
        }
    }
}
