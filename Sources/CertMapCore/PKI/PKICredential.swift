import Crypto
import Foundation
import SwiftASN1
import X509

/// A certificate with its private key, as the PKI writes them: `NAME.crt` (PEM certificate,
/// then its intermediates, leaf first, as a TLS peer sends them) and `NAME.key` (PKCS#8 PEM,
/// mode 0600).
struct PKICredential: Sendable {
    var name: String
    var role: DemoPKIManifest.Role
    var certificate: Certificate
    var privateKey: Certificate.PrivateKey
    /// Intermediates written after the leaf in `NAME.crt` (not the root).
    var chain: [Certificate] = []

    /// Characters allowed in credential names, so a name can never escape the directory.
    static func validate(name: String) throws {
        let allowed = name.unicodeScalars.allSatisfy {
            CharacterSet.alphanumerics.contains($0) && $0.isASCII || "-_.".unicodeScalars.contains($0)
        }
        guard allowed, !name.isEmpty, !name.hasPrefix("."), name.count <= 64 else {
            throw PKIError.invalidCredentialName(name)
        }
    }

    static func certificateURL(name: String, in directory: URL) -> URL {
        directory.appendingPathComponent("\(name).crt")
    }

    static func keyURL(name: String, in directory: URL) -> URL {
        directory.appendingPathComponent("\(name).key")
    }

    func certificateURL(in directory: URL) -> URL { Self.certificateURL(name: name, in: directory) }
    func keyURL(in directory: URL) -> URL { Self.keyURL(name: name, in: directory) }

    /// Writes key then certificate; without `replace` refuses existing files.
    func write(to directory: URL, replace: Bool) throws -> DemoPKIManifest.Credential {
        let keyPEM = try privateKey.serializeAsPEM().pemString + "\n"
        try PKIFiles.writePrivateKey(keyPEM, to: keyURL(in: directory), replace: replace)
        let pem = try ([certificate] + chain).map(CertificateEncoding.pem).joined()
        try PKIFiles.writePublicFile(pem, to: certificateURL(in: directory), replace: replace)
        return manifestEntry(in: directory)
    }

    func manifestEntry(in directory: URL) -> DemoPKIManifest.Credential {
        DemoPKIManifest.Credential(
            name: name,
            role: role,
            certificatePath: certificateURL(in: directory),
            keyPath: keyURL(in: directory),
            subject: certificate.subject.description,
            sha256Fingerprint: CertificateEncoding.sha256Fingerprint(certificate),
            serialNumber: SerialNumberText.hex(certificate.serialNumber)
        )
    }

    /// A fresh P-256 key (all demo keys are P-256).
    static func newKey() -> Certificate.PrivateKey {
        Certificate.PrivateKey(P256.Signing.PrivateKey())
    }
}

/// Encodings of a certificate used by the PKI files and manifest. Kept in a namespace rather
/// than a `Certificate` extension so they cannot collide with identity code elsewhere.
enum CertificateEncoding {
    /// The DER encoding.
    static func der(_ certificate: Certificate) -> [UInt8] {
        var serializer = DER.Serializer()
        try! serializer.serialize(certificate)  // A parsed or freshly signed certificate always re-encodes.
        return serializer.serializedBytes
    }

    /// PEM with a trailing newline, as openssl writes it.
    static func pem(_ certificate: Certificate) throws -> String {
        try certificate.serializeAsPEM().pemString + "\n"
    }

    /// SHA-256 fingerprint of the DER, "AB:CD:..." like `openssl x509 -fingerprint -sha256`.
    static func sha256Fingerprint(_ certificate: Certificate) -> String {
        SHA256.hash(data: der(certificate)).map { byte in
            let digits = String(byte, radix: 16, uppercase: true)
            return digits.count == 1 ? "0" + digits : digits
        }.joined(separator: ":")
    }
}
