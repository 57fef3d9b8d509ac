import Foundation

/// After `pki init --force` replaces the demo PKI, the configuration still names the old
/// certificates: alice's one-to-one mapping no longer matches (she falls through to a
/// many-to-one account) and the reverse proxy's pin is stale (its forwarded certificates are
/// stripped as spoofed). This moves every reference to a replaced demo certificate onto its
/// successor, and says so line by line; entries that never named a demo certificate are left as
/// they are, and only reported when the replacement leaves them pointing at nothing (a
/// certificate issued by the replaced demo CA is no longer trusted).
///
/// Pure: the caller reads the certificates before and after and saves the document.
public enum DemoPKIRepoint {
    /// The first certificate of every `NAME.crt` in `pkiDirectory`, by name (unreadable files
    /// are skipped: there is nothing to re-point from them).
    public static func certificates(in pkiDirectory: URL) -> [String: CertificateIdentity] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: pkiDirectory.path)) ?? []
        var result: [String: CertificateIdentity] = [:]
        for file in names where file.hasSuffix(".crt") {
            if let first = try? CertificateLoader.certificates(at: pkiDirectory.appendingPathComponent(file)).first {
                result[String(file.dropLast(4))] = first
            }
        }
        return result
    }

    /// What a re-point did, in words: the entries moved to a new certificate, kept apart from the
    /// operator's own entries the replacement left pointing at nothing.
    public struct Report: Hashable, Sendable {
        /// One line per entry moved to a new certificate.
        public var changes: [String] = []
        /// One line per entry of the operator's own that the replacement broke.
        public var dangling: [String] = []
    }

    /// Re-points `document` from the `old` demo certificates to the `new` ones (both by name).
    public static func repoint(_ document: inout ConfigDocument, old: [String: CertificateIdentity], new: [String: CertificateIdentity]) -> Report {
        var report = Report()
        // Old fingerprint → (name, new certificate), for the files the replacement changed.
        let replaced = Dictionary(old.compactMap { name, identity -> (String, (String, CertificateIdentity))? in
            guard let successor = new[name], successor.sha256 != identity.sha256 else { return nil }
            return (identity.sha256.colonHex, (name, successor))
        }) { first, _ in first }
        let oldAuthorities = old.values.filter(\.isCertificateAuthority).filter { authority in
            !new.values.contains { $0.sha256 == authority.sha256 }
        }
        for index in document.oneToOne.indices {
            let entry = document.oneToOne[index]
            let label = "oneToOne[\(index)] \"\(entry.name)\""
            if let pin = fingerprint(of: entry), let (name, successor) = replaced[pin] {
                document.oneToOne[index].sha256 = successor.sha256.colonHex
                if entry.certificate != nil { document.oneToOne[index].certificate = Data(successor.der).base64EncodedString() }
                if entry.subject != nil { document.oneToOne[index].subject = successor.subject.rfc2253 }
                report.changes.append("\(label): now maps the new \(name).crt (SHA-256 \(successor.sha256.colonHex.prefix(11))…)")
            } else if let identity = identity(of: entry), oldAuthorities.contains(where: { issued(identity, by: $0) }) {
                report.dangling.append("\(label) (account \(entry.account)): its certificate was issued by the replaced demo CA, so it is no longer trusted (403.16); issue a new one with certmap pki issue and map that")
            }
        }
        for index in document.server.certificateForwarders.indices {
            let entry = document.server.certificateForwarders[index]
            guard let pin = entry.sha256?.uppercased(), let (name, successor) = replaced[pin] else { continue }
            document.server.certificateForwarders[index].sha256 = successor.sha256.colonHex
            report.changes.append("server.certificateForwarders[\(index)] (\(entry.displayName)): now pinned to the new \(name).crt (SHA-256 \(successor.sha256.colonHex.prefix(11))…)")
        }
        return report
    }

    private static func fingerprint(of entry: OneToOneEntry) -> String? {
        if let sha256 = entry.sha256 { return sha256.uppercased() }
        return identity(of: entry)?.sha256.colonHex
    }

    private static func identity(of entry: OneToOneEntry) -> CertificateIdentity? {
        guard let base64 = entry.certificate, let der = Data(base64Encoded: base64) else { return nil }
        return try? CertificateIdentity(derEncoded: Array(der))
    }

    private static func issued(_ leaf: CertificateIdentity, by authority: CertificateIdentity) -> Bool {
        leaf.certificate.issuer == authority.certificate.subject
            && authority.certificate.publicKey.isValidSignature(leaf.certificate.signature, for: leaf.certificate)
    }
}
