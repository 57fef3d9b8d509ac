import Foundation

/// `certmap doctor`: a deployment checked with no traffic — the server's certificate and chain,
/// the CA bundle, the CRLs, the certificate forwarders, the clock, the mappings and resources —
/// one finding per problem with its fix. Reads the files the configuration names (off any
/// request path), then runs the pure checks (`CertificateChecks`, `ForwarderChecks`, `MappingLint`).
public enum DeploymentDoctor {
    /// - Parameters:
    ///   - forwarderCertificate: a proxy's certificate file to compare with every forwarder rule.
    public static func examine(_ document: ConfigDocument, home: DataHome, now: Date = Date(), forwarderCertificate: URL? = nil) -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        var issued: [(String, Date)] = []
        let pki = knownPKI(home)
        let bundleURL = home.resolve(document.trust.caBundle)
        var bundle: [CertificateIdentity] = []
        do {
            bundle = try CertificateLoader.certificates(at: bundleURL)
            findings += CertificateChecks.caBundle(bundle, file: bundleURL.path, now: now)
        } catch {
            findings.append(DoctorFinding(.error, "CA bundle", "\(bundleURL.path) cannot be read as certificates: \(error)", fix: "point trust.caBundle at a PEM file of your clients' CA certificates"))
        }
        let serverURL = home.resolve(document.server.certificate)
        do {
            let (leaf, chain) = try CertificateLoader.leafAndChain(at: serverURL)
            findings += CertificateChecks.serverChain([leaf] + chain, known: bundle + pki, file: serverURL.path, now: now)
            issued.append(("the server certificate", leaf.notValidBefore))
        } catch {
            findings.append(DoctorFinding(.error, "server certificate", "\(serverURL.path) cannot be read: \(error)", fix: "point server.certificate at the server's PEM certificate (leaf first, then intermediates)"))
        }
        do {
            _ = try TrustMaterial.load(document, home: home, at: now)
        } catch {
            findings.append(DoctorFinding(.error, "trust files", "\(error)", fix: "the server refuses to start (or to apply a reload) until this is fixed"))
        }
        for (index, path) in document.trust.crls.enumerated() {
            let url = home.resolve(path)
            let crl: CertificateRevocationList
            do {
                crl = try TrustConfiguration.loadCRL(at: url)
            } catch {
                findings.append(DoctorFinding(.error, "CRL", "trust.crls[\(index)] \(url.path): \(TrustConfiguration.describe(error))",
                                              fix: "install the CA's CRL there (PEM or DER), or remove the entry"))
                continue
            }
            findings += CertificateChecks.crl(crl, file: url.path, now: now, policy: document.trust.staleCRL)
            if !bundle.contains(where: { crl.isSigned(by: $0.certificate) }) {
                findings.append(DoctorFinding(.warning, "CRL", "\(url.path) is not signed by any CA in the CA bundle, so it revokes nobody",
                                              fix: "install the CRL of a CA in trust.caBundle, or add its CA"))
            }
            issued.append(("the CRL \(url.lastPathComponent)", crl.thisUpdate))
        }
        findings += ForwarderChecks.check(document.server, home: home, now: now, presented: forwarderCertificate)
        findings += CertificateChecks.clock(now: now, latestIssued: issued.max { $0.1 < $1.1 })
        let oneToOne = document.oneToOne.compactMap { $0.certificate.flatMap { [UInt8](base64Encoded: $0) }.flatMap { try? CertificateIdentity(derEncoded: $0) } }
        findings += MappingLint.check(document, known: bundle + oneToOne + pki)
        return findings.sorted { $0.severity < $1.severity }
    }

    /// The demo PKI's certificates, when the home has one (known subjects for the mapping lint).
    private static func knownPKI(_ home: DataHome) -> [CertificateIdentity] {
        let directory = home.pkiDirectory
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        return names.filter { $0.hasSuffix(".crt") }.sorted().compactMap { try? CertificateLoader.certificates(at: directory.appendingPathComponent($0)).first }
    }
}
