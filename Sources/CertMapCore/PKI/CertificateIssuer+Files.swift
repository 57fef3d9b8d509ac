import Foundation
import X509

extension CertificateIssuer {
    /// Loads a CA credential from a PEM certificate and a PKCS#8 (or SEC1) PEM key.
    public static func load(certificateAt certificateURL: URL, keyAt keyURL: URL) throws -> CertificateIssuer {
        let certificate: Certificate
        let key: Certificate.PrivateKey
        do {
            certificate = try Certificate(pemEncoded: PKIFiles.readText(certificateURL))
        } catch let error as PKIError {
            throw error
        } catch {
            throw PKIError.unreadableFile(path: certificateURL.path, reason: "not a PEM certificate: \(error)")
        }
        do {
            key = try Certificate.PrivateKey(pemEncoded: PKIFiles.readText(keyURL))
        } catch let error as PKIError {
            throw error
        } catch {
            throw PKIError.unreadableFile(path: keyURL.path, reason: "not a PEM private key: \(error)")
        }
        guard key.publicKey == certificate.publicKey else {
            throw PKIError.unreadableFile(path: keyURL.path, reason: "key does not belong to \(certificateURL.path)")
        }
        return try CertificateIssuer(certificate: certificate, privateKey: key)
    }

    /// Issues a TLS client certificate for `certmap pki issue NAME --subject "/O=Acme/OU=Ops/CN=zoe"`,
    /// signed by the demo issuing CA in `directory`, valid from a day ago for two years, and
    /// writes `NAME.crt` and `NAME.key` (0600).
    ///
    /// - Parameters:
    ///   - email: SAN e-mail; defaults to the subject's emailAddress, if any.
    /// - Throws: ``SubjectParseError`` for a bad subject, ``PKIError/credentialExists(name:path:)``
    ///   if NAME is taken (nothing is written then).
    @discardableResult
    public static func issueUser(
        name: String, subject: String, email: String? = nil, in directory: URL, now: Date
    ) throws -> DemoPKIManifest.Credential {
        try PKICredential.validate(name: name)
        let subjectName = try SubjectParser.parse(subject)
        let files = [PKICredential.certificateURL(name: name, in: directory), PKICredential.keyURL(name: name, in: directory)]
        for url in files
        where FileManager.default.fileExists(atPath: url.path) {
            throw PKIError.credentialExists(name: name, path: url.path)
        }
        let issuer = try load(
            certificateAt: directory.appendingPathComponent("intermediate-ca.crt"),
            keyAt: directory.appendingPathComponent("intermediate-ca.key")
        )
        let profile = LeafCertificateProfile.user(
            subject: subjectName, email: email ?? SubjectParser.emailAddress(in: subjectName),
            notValidBefore: now - 86_400, notValidAfter: now + 2 * 365 * 86_400
        )
        let key = PKICredential.newKey()
        let certificate = try issuer.issueLeaf(profile, publicKey: key.publicKey)
        return try PKICredential(name: name, role: .user, certificate: certificate, privateKey: key)
            .write(to: directory, replace: false)
    }
}
