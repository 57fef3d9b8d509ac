import Foundation

/// `certmap doctor`'s checks of certificates: the server's own chain and expiry, the CA bundle's
/// contents and the CRLs' freshness. Pure: they take parsed certificates and a time.
public enum CertificateChecks {
    /// Days before expiry from which a certificate is reported.
    public static let warningDays = 30

    /// The server's certificate file: not expired, not expiring within `warningDays`, and whole —
    /// the chain up to (not including) a root, so a client that trusts only the root verifies it.
    /// - Parameters:
    ///   - chain: the certificates of `server.certificate`, leaf first.
    ///   - known: CA certificates certmap knows (the CA bundle), to tell roots from intermediates.
    public static func serverChain(_ chain: [CertificateIdentity], known: [CertificateIdentity], file: String, now: Date) -> [DoctorFinding] {
        guard let leaf = chain.first else { return [DoctorFinding(.error, "server certificate", "\(file) holds no certificate")] }
        var findings = expiry(of: leaf, area: "server certificate", what: "certmap's certificate \(leaf.subject.rfc2253) in \(file)", now: now,
                              fix: "renew it and replace \(file) (and its key)")
        for intermediate in chain.dropFirst() where intermediate.notValidAfter < now {
            findings.append(DoctorFinding(.error, "server certificate", "the chain certificate \(intermediate.subject.rfc2253) in \(file) expired on \(day(intermediate.notValidAfter))",
                                          fix: "replace it with the issuing CA's current certificate"))
        }
        guard let last = chain.last, !isSelfSigned(last) else { return findings }
        let issuer = last.issuer.rfc2253
        if let finding = missingIntermediate(chain, known: known, file: file) {
            findings.append(finding)
        } else if !known.contains(where: { $0.subject == last.issuer }) {
            findings.append(DoctorFinding(.note, "server certificate",
                "\(file) ends with \(last.subject.rfc2253), issued by \(issuer), which certmap's CA bundle does not hold: certmap cannot tell whether clients can build the rest of the chain",
                fix: "check with: openssl s_client -connect HOST:PORT -CAfile <your root> (return code 0 means complete)"))
        }
        return findings
    }

    /// The error for a server certificate file that ends below an intermediate CA certmap knows
    /// (so it lacks that intermediate), or nil: what `certmap doctor` reports and what a TLS
    /// failure that looks like distrust mentions.
    public static func missingIntermediate(_ chain: [CertificateIdentity], known: [CertificateIdentity], file: String) -> DoctorFinding? {
        guard let last = chain.last, !isSelfSigned(last),
              let missing = known.first(where: { $0.subject == last.issuer && !isSelfSigned($0) })
        else { return nil }
        return DoctorFinding(.error, "server certificate",
            "\(file) ends with \(last.subject.rfc2253), whose issuer \(last.issuer.rfc2253) is an intermediate CA, not a root: clients that trust only the root cannot verify certmap (the TLS handshake fails, and they blame their own trust store)",
            fix: "append \(missing.subject.rfc2253) (and any CA above it, short of the root) to \(file)")
    }

    /// The CA bundle: at least one usable root, no expired CA, no end-entity certificate, no duplicates.
    public static func caBundle(_ certificates: [CertificateIdentity], file: String, now: Date) -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        let roots = certificates.filter(isSelfSigned)
        let usableRoots = roots.filter { $0.notValidAfter >= now && $0.notValidBefore <= now }
        if usableRoots.isEmpty {
            findings.append(DoctorFinding(.error, "CA bundle",
                roots.isEmpty ? "\(file) holds no self-signed root CA, so no client certificate can be trusted" : "every root CA in \(file) is expired or not yet valid, so no client certificate can be trusted",
                fix: "add your clients' current root CA to \(file)"))
        }
        for certificate in certificates {
            if certificate.notValidAfter < now {
                findings.append(DoctorFinding(.error, "CA bundle", "\(certificate.subject.rfc2253) in \(file) expired on \(day(certificate.notValidAfter)): certificates it issued are refused (403.17)",
                                              fix: "replace it with the CA's renewed certificate"))
            } else if certificate.notValidAfter < now + Double(warningDays) * 86_400 {
                findings.append(DoctorFinding(.warning, "CA bundle", "\(certificate.subject.rfc2253) in \(file) expires on \(day(certificate.notValidAfter))",
                                              fix: "add the CA's renewed certificate before then"))
            }
            if !certificate.isCertificateAuthority {
                findings.append(DoctorFinding(.warning, "CA bundle", "\(certificate.subject.rfc2253) in \(file) is not a CA certificate (basicConstraints CA:FALSE): it can anchor nothing",
                                              fix: "remove it; map a user's certificate with a one-to-one mapping instead"))
            }
        }
        var seen: Set<Fingerprint> = []
        for certificate in certificates where !seen.insert(certificate.sha256).inserted {
            findings.append(DoctorFinding(.warning, "CA bundle", "\(certificate.subject.rfc2253) appears more than once in \(file)", fix: "remove the copy"))
        }
        let intermediates = certificates.count - roots.count
        findings.append(DoctorFinding(.note, "CA bundle", "\(file): \(roots.count) root(s), \(intermediates) intermediate(s)"))
        return findings
    }

    /// A CRL: current (before its nextUpdate), issued in the past.
    public static func crl(_ crl: CertificateRevocationList, file: String, now: Date, policy: StaleCRLPolicy) -> [DoctorFinding] {
        guard crl.isStale(at: now), let nextUpdate = crl.nextUpdate else { return [] }
        let effect = policy == .refuse ? "trust.staleCRL is refuse, so every certificate it covers is refused (403.13)" : "certmap keeps using it (trust.staleCRL warn): revocations since are unknown"
        return [DoctorFinding(policy == .refuse ? .error : .warning, "CRL", "\(file) (CRL of \(crl.issuer.traceName)) is past its nextUpdate, \(day(nextUpdate)): \(effect)",
                              fix: "install the CA's current CRL at \(file); certmap reloads it when the file changes")]
    }

    /// The clock: not before what the deployment's own files were issued.
    public static func clock(now: Date, latestIssued: (what: String, at: Date)?) -> [DoctorFinding] {
        guard let latest = latestIssued, latest.at > now + 300 else { return [] }
        return [DoctorFinding(.error, "clock", "this machine's clock (\(RFC3339Day.text(now))) is before \(latest.what) was issued (\(RFC3339Day.text(latest.at))): certificates will look not yet valid (403.17)",
                              fix: "set the clock (timedatectl, NTP)")]
    }

    static func expiry(of certificate: CertificateIdentity, area: String, what: String, now: Date, fix: String) -> [DoctorFinding] {
        if certificate.notValidAfter < now {
            return [DoctorFinding(.error, area, "\(what) expired on \(day(certificate.notValidAfter))", fix: fix)]
        }
        if certificate.notValidBefore > now {
            return [DoctorFinding(.error, area, "\(what) is not valid until \(day(certificate.notValidBefore))", fix: "check the clock, or the certificate's dates")]
        }
        if certificate.notValidAfter < now + Double(warningDays) * 86_400 {
            let days = Int(certificate.notValidAfter.timeIntervalSince(now) / 86_400)
            return [DoctorFinding(.warning, area, "\(what) expires in \(days) day(s), on \(day(certificate.notValidAfter))", fix: fix)]
        }
        return []
    }

    static func isSelfSigned(_ certificate: CertificateIdentity) -> Bool {
        TrustStore.isSelfSigned(certificate.certificate)
    }

    static func day(_ date: Date) -> String { RFC3339Day.text(date) }
}

/// `2026-12-07`.
enum RFC3339Day {
    static func text(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle().year().month().day())
    }
}
