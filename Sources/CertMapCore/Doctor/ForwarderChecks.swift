import Foundation

/// `certmap doctor`'s checks of `server.certificateForwarders`: a rule that cannot match anything
/// is an error (a pin of no certificate given, a CA file without a CA, an expired CA); an
/// address-only forwarder is a warning; with `--forwarder-cert`, which rule that certificate
/// satisfies, or why none does.
public enum ForwarderChecks {
    public static func check(_ server: ServerSettings, home: DataHome, now: Date, presented: URL?) -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        let certificate = presented.flatMap { try? CertificateLoader.certificates(at: $0).first }
        if let presented, certificate == nil {
            findings.append(DoctorFinding(.error, "forwarder", "\(presented.path) is not a certificate certmap can read"))
        }
        for (index, entry) in server.certificateForwarders.enumerated() {
            let path = "server.certificateForwarders[\(index)] \"\(entry.displayName)\""
            if entry.addressOnly {
                findings.append(DoctorFinding(.warning, "forwarder", "\(path) is trusted by address alone: any process that can use \(entry.address ?? "that address") can forge identities",
                                              fix: "identify it by the sha256 of the certificate it presents"))
            }
            if let ca = entry.ca {
                let url = home.resolve(ca)
                let authorities = (try? CertificateLoader.certificates(at: url)) ?? []
                let usable = authorities.filter { $0.isCertificateAuthority && $0.notValidAfter >= now }
                if usable.isEmpty {
                    findings.append(DoctorFinding(.error, "forwarder", "\(path): \(url.path) holds no current CA certificate, so the rule can never match",
                                                  fix: "put the CA that issues the proxy's certificate in \(url.path)"))
                }
            }
            guard let certificate else { continue }
            if let pin = entry.sha256.flatMap(Fingerprint.init(hex:)) {
                if pin == certificate.sha256 {
                    findings.append(DoctorFinding(.note, "forwarder", "\(path) matches \(presented!.lastPathComponent) (\(certificate.subject.rfc2253))"))
                } else {
                    findings.append(DoctorFinding(.warning, "forwarder", "\(path) is pinned to \(pin.colonHex), not to \(presented!.lastPathComponent) (SHA-256 \(certificate.sha256.colonHex))",
                                                  fix: "if \(presented!.lastPathComponent) is the proxy's current certificate, set \(path.split(separator: " ")[0]).sha256 to \"\(certificate.sha256.colonHex)\""))
                }
            } else if let subject = entry.subject, !CertificateForwarder.certificate(certificate, hasSubject: subject) {
                findings.append(DoctorFinding(.warning, "forwarder", "\(path) expects subject \(subject), \(presented!.lastPathComponent) has \(certificate.subject.rfc2253)",
                                              fix: "correct the subject, or give the proxy the right certificate"))
            }
        }
        if let certificate {
            findings += CertificateChecks.expiry(of: certificate, area: "forwarder", what: "the proxy certificate \(certificate.subject.rfc2253)", now: now,
                                                 fix: "renew it, then pin the new certificate")
        }
        return findings
    }
}
