import Foundation
import X509

/// Everything a configuration generation reads from files other than `config.json`: the CA
/// bundle and CRLs (the validator), certificate forwarders' CA files (proxy trust) and the
/// server's own certificate and key. Loaded and checked together before a generation is applied —
/// at start and on every reload — so a broken file is refused in one line naming the file and
/// the problem while the last good generation keeps serving, instead of every client getting
/// 403.16 from a bundle nobody checked.
public struct TrustMaterial: Sendable {
    public let validator: CertificateValidator
    public let proxyTrust: ProxyTrust
    /// The names an absolute-form request target may use (the server certificate's).
    public let servedHosts: ServedHosts
    /// CRLs past their `nextUpdate` when the material was loaded.
    public let staleCRLs: [StaleCRL]
    /// Why clients that trust only the root cannot verify certmap's own certificate (its file
    /// lacks an intermediate), or nil: said with every TLS failure that looks like distrust.
    public let serverChainProblem: String?

    /// A CRL past its `nextUpdate`: the revocations it lists may be out of date.
    public struct StaleCRL: Hashable, Sendable, CustomStringConvertible {
        public let file: String
        public let issuer: String
        public let nextUpdate: Date

        public var description: String {
            "\(file): the CRL of \(issuer) is past its nextUpdate (\(nextUpdate.formatted(.iso8601))); revocations after that are unknown to certmap"
        }
    }

    /// Loads and checks every file `document` names, resolved against `home`.
    /// - Throws: `ConfigError.io` naming the file, the setting and the problem.
    public static func load(_ document: ConfigDocument, home: DataHome, at time: Date = Date()) throws -> TrustMaterial {
        let (server, serverChain) = try serverIdentity(document.server, home: home)
        let validator = try TrustConfiguration.validator(for: document.trust, home: home)
        let proxyTrust = try ProxyTrust.load(document.server, home: home)
        let stale = zip(document.trust.crls, validator.chainValidator.revocationPolicy.crls).compactMap { path, crl -> StaleCRL? in
            guard crl.isStale(at: time), let nextUpdate = crl.nextUpdate else { return nil }
            return StaleCRL(file: home.resolve(path).path, issuer: crl.issuer.traceName, nextUpdate: nextUpdate)
        }
        let known = validator.chainValidator.trust.allCertificates.compactMap { try? CertificateIdentity(certificate: $0) }
        let chainProblem = CertificateChecks.missingIntermediate([server] + serverChain, known: known, file: home.resolve(document.server.certificate).path)
        return TrustMaterial(
            validator: validator, proxyTrust: proxyTrust, servedHosts: ServedHosts(certificate: server), staleCRLs: stale,
            serverChainProblem: chainProblem.map { $0.message + ($0.fix.map { "; fix: \($0)" } ?? "") })
    }

    /// Every file `document` makes the server read besides config.json, for watching.
    public static func files(of document: ConfigDocument, home: DataHome) -> [URL] {
        let paths = [document.trust.caBundle] + document.trust.crls + [document.server.certificate, document.server.privateKey]
            + document.server.certificateForwarders.compactMap(\.ca)
        return paths.map(home.resolve)
    }

    /// The server certificate file parses, its first certificate is the leaf, and the private key
    /// parses and belongs to it.
    private static func serverIdentity(_ server: ServerSettings, home: DataHome) throws -> (CertificateIdentity, [CertificateIdentity]) {
        let certificateURL = home.resolve(server.certificate)
        let keyURL = home.resolve(server.privateKey)
        let leaf: CertificateIdentity
        let chain: [CertificateIdentity]
        do {
            (leaf, chain) = try CertificateLoader.leafAndChain(at: certificateURL)
        } catch {
            throw ConfigError.io(file: certificateURL.path, detail: "server.certificate: \(error)")
        }
        let keyText: String
        do {
            keyText = try String(contentsOf: keyURL, encoding: .utf8)
        } catch {
            throw ConfigError.io(file: keyURL.path, detail: "server.privateKey: cannot read: \(PeopleText.describe(fileSystem: error))")
        }
        let key: Certificate.PrivateKey
        do {
            key = try Certificate.PrivateKey(pemEncoded: keyText)
        } catch {
            throw ConfigError.io(file: keyURL.path, detail: "server.privateKey: not a PEM private key certmap can use (RSA, P-256, P-384, P-521 or Ed25519)")
        }
        guard key.publicKey == leaf.certificate.publicKey else {
            throw ConfigError.io(
                file: keyURL.path,
                detail: "server.privateKey: does not belong to the server certificate \(leaf.subject.rfc2253) in \(certificateURL.lastPathComponent)")
        }
        return (leaf, chain)
    }
}
