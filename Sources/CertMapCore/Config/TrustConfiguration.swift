import Foundation

/// Builds the certificate validator a configuration asks for: CA bundle, CRL files and revoked
/// serials, with errors that name the configuration field and the file.
public enum TrustConfiguration {
    public static func validator(for settings: TrustSettings, home: DataHome) throws -> CertificateValidator {
        let bundleURL = home.resolve(settings.caBundle)
        let trust: TrustStore
        do {
            trust = try TrustStore.load(bundleAt: bundleURL)
        } catch {
            throw ConfigError.io(file: bundleURL.path, detail: "trust.caBundle: " + withoutSource("\(error)", bundleURL))
        }
        let crls = try settings.crls.enumerated().map { index, path in
            let url = home.resolve(path)
            do {
                return try loadCRL(at: url)
            } catch {
                throw ConfigError.io(file: url.path, detail: "trust.crls[\(index)]: " + withoutSource(describe(error), url))
            }
        }
        let chainValidator = ChainValidator(
            trust: trust,
            crls: crls,
            revokedSerials: Set(settings.revokedSerials),
            requireClientAuthUsage: settings.requireClientAuthUsage,
            staleCRL: settings.staleCRL
        )
        return CertificateValidator(chainValidator: chainValidator)
    }

    /// An error's text without the file name it starts with (the caller names the file once).
    private static func withoutSource(_ text: String, _ url: URL) -> String {
        text.hasPrefix(url.path + ": ") ? String(text.dropFirst(url.path.count + 2)) : text
    }

    /// Why a CRL file could not be loaded, in words (no swift-asn1 internals).
    static func describe(_ error: Error) -> String {
        if error is CocoaError { return "cannot read: " + PeopleText.describe(fileSystem: error) }
        let text = "\(error)"
        // swift-asn1's own words name its source files and types: not for people.
        if text.contains("ASN1Error") || text.contains(".swift:") { return "not a CRL certmap can read: the bytes are not a DER-encoded X.509 CRL" }
        return "not a CRL certmap can read (\(text))"
    }

    /// A CRL file as `openssl ca -gencrl` writes it (PEM), or DER.
    static func loadCRL(at url: URL) throws -> CertificateRevocationList {
        let bytes = try Data(contentsOf: url)
        if let text = String(data: bytes, encoding: .utf8), text.contains("-----BEGIN") {
            return try CertificateRevocationList(pemEncoded: text)
        }
        return try CertificateRevocationList(derEncoded: Array(bytes))
    }
}

/// Validates certificates for the decision engine: runs the chain validator and turns its
/// verdict into a `CertificateCheck`. One per configuration generation.
public struct CertificateValidator: Sendable {
    public let chainValidator: ChainValidator

    public init(chainValidator: ChainValidator) {
        self.chainValidator = chainValidator
    }

    public func check(_ leaf: CertificateIdentity, presentedChain: [CertificateIdentity], at time: Date) async -> CertificateCheck {
        let validation = await chainValidator.validate(leaf: leaf.certificate, presentedIntermediates: presentedChain.map(\.certificate), at: time)
        let verdict: CertificateCheck.Verdict
        switch validation.verdict {
        case .valid: verdict = .valid
        case .untrusted: verdict = .untrusted
        case .expired: verdict = .expired
        case .notYetValid: verdict = .notYetValid
        case .revoked: verdict = .revoked
        case .revocationUnknown: verdict = .revocationUnknown
        }
        return CertificateCheck(verdict: verdict, notes: validation.notes, problem: validation.problem)
    }
}
