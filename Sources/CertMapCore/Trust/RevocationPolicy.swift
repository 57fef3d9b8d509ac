import Foundation
import SwiftASN1
import X509

/// Rejects chains containing a revoked certificate (IIS substatus 403.13), using CRLs
/// (RFC 5280 §6.3) and a configured list of revoked serial numbers.
///
/// A CRL only counts for a certificate when the CRL is signed by that certificate's issuer —
/// the next certificate in the chain — so a forged or misplaced CRL can neither revoke nor
/// clear anyone. Signatures are checked once against the known CA certificates when the
/// policy is built, and lazily (then remembered per call) for issuers seen only in a chain.
/// A stale CRL (past nextUpdate) still applies its entries and produces a warning note: an
/// unreachable CRL distribution point must not lock every user out.
public struct RevocationPolicy: VerifierPolicy, Sendable {
    public let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = []

    /// The time used to judge CRL staleness.
    public var validationTime: Date
    /// The CRLs with the CA keys whose signature checks already succeeded or failed.
    let records: [CRLRecord]
    /// The CRLs enforced, in the order given.
    public var crls: [CertificateRevocationList] { records.map(\.crl) }
    /// Configured revoked serials, normalised (see ``SerialNumberText/normalized(_:)``).
    public let revokedSerials: Set<String>
    /// Configured entries that were not hex and are ignored (reported in notes).
    public let ignoredSerials: [String]
    /// What a stale CRL means for the certificates it covers.
    public let staleCRL: StaleCRLPolicy

    /// - Parameters:
    ///   - crls: CRLs to enforce.
    ///   - revokedSerials: Hex serials, any case, colons allowed.
    ///   - knownIssuers: CA certificates (usually the trust store) to check CRL signatures against up front.
    ///   - validationTime: The time to judge staleness against.
    public init(
        crls: [CertificateRevocationList], revokedSerials: Set<String> = [], knownIssuers: [Certificate] = [],
        validationTime: Date = Date(), staleCRL: StaleCRLPolicy = .warn
    ) {
        self.validationTime = validationTime
        self.staleCRL = staleCRL
        self.records = crls.map { CRLRecord(crl: $0, candidates: knownIssuers) }
        var normalized = Set<String>()
        var ignored: [String] = []
        for serial in revokedSerials.sorted() {
            if let value = SerialNumberText.normalized(serial) { normalized.insert(value) } else { ignored.append(serial) }
        }
        self.revokedSerials = normalized
        self.ignoredSerials = ignored
    }

    public func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) -> PolicyEvaluationResult {
        let report = evaluate(chain: Array(chain))
        if let finding = report.finding {
            return .failsToMeetPolicy(reason: finding.note)
        }
        return .meetsPolicy
    }

    /// Checks every certificate of `chain` (leaf first) except the last (the anchor) and
    /// explains each step in `notes`.
    public func evaluate(chain: [Certificate]) -> RevocationReport {
        var report = RevocationReport()
        for serial in ignoredSerials {
            report.notes.append("revocation: configured serial \"\(serial)\" is not hexadecimal and was ignored")
        }
        for index in chain.indices.dropLast() {
            checkConfigured(chain[index], into: &report)
            if report.finding != nil { return report }
            checkCRLs(for: chain[index], issuer: chain[index + 1], into: &report)
            if report.finding != nil { return report }
        }
        return report
    }

    private func checkConfigured(_ certificate: Certificate, into report: inout RevocationReport) {
        let serial = SerialNumberText.hex(certificate.serialNumber)
        guard revokedSerials.contains(serial) else { return }
        report.finding = RevocationFinding(
            subject: certificate.subject.traceName, serialNumber: serial, source: .configuredSerials,
            revocationDate: nil, reason: nil
        )
        report.notes.append(report.finding!.note)
    }

    private func checkCRLs(for certificate: Certificate, issuer: Certificate, into report: inout RevocationReport) {
        let serial = SerialNumberText.hex(certificate.serialNumber)
        let candidates = records.filter { $0.crl.issuer == issuer.subject }
        let issuerName = issuer.subject.traceName
        var usable = 0
        for record in candidates {
            guard record.isSigned(by: issuer) else {
                report.notes.append("revocation: CRL naming \(issuerName) ignored: its signature does not verify with that CA's key")
                continue
            }
            usable += 1
            let crl = record.crl
            if crl.isStale(at: validationTime), let nextUpdate = crl.nextUpdate, staleCRL == .refuse, crl.entry(for: certificate.serialNumber) == nil {
                report.finding = RevocationFinding(
                    subject: certificate.subject.traceName, serialNumber: serial, source: .staleCRL(issuer: issuerName, nextUpdate: nextUpdate),
                    revocationDate: nil, reason: nil)
                report.notes.append(report.finding!.note)
                return
            }
            if crl.isStale(at: validationTime), let nextUpdate = crl.nextUpdate {
                report.notes.append(
                    "revocation: CRL of \(issuerName) is stale since \(nextUpdate.formatted(.iso8601)), "
                        + "used anyway (warning, not a failure)"
                )
            }
            if let entry = crl.entry(for: certificate.serialNumber) {
                report.finding = RevocationFinding(
                    subject: certificate.subject.traceName, serialNumber: serial,
                    source: .crl(issuer: issuerName, crlNumber: crl.crlNumber),
                    revocationDate: entry.revocationDate, reason: entry.reason
                )
                report.notes.append(report.finding!.note)
                return
            }
        }
        if usable == 0 {
            report.notes.append("revocation: no CRL from \(issuerName); serial \(serial) of \(certificate.subject.traceName) not checked against a CRL")
        } else {
            report.notes.append("revocation: serial \(serial) of \(certificate.subject.traceName) not listed in the CRL of \(issuerName), treated as not revoked")
        }
    }
}

/// The outcome of ``RevocationPolicy/evaluate(chain:)``: the first revocation found, if any,
/// and a note for every check.
public struct RevocationReport: Sendable, Hashable {
    public var finding: RevocationFinding?
    public var notes: [String] = []
}

/// A CRL with the result of checking its signature against CA keys.
struct CRLRecord: Sendable, Hashable {
    var crl: CertificateRevocationList
    var verifiedKeys: Set<Certificate.PublicKey>
    var rejectedKeys: Set<Certificate.PublicKey>

    init(crl: CertificateRevocationList, candidates: [Certificate]) {
        self.crl = crl
        var verified = Set<Certificate.PublicKey>()
        var rejected = Set<Certificate.PublicKey>()
        for candidate in candidates where candidate.subject == crl.issuer {
            if crl.isSigned(by: candidate) { verified.insert(candidate.publicKey) } else { rejected.insert(candidate.publicKey) }
        }
        self.verifiedKeys = verified
        self.rejectedKeys = rejected
    }

    /// Uses the cached result when this issuer key was checked at construction.
    func isSigned(by issuer: Certificate) -> Bool {
        if verifiedKeys.contains(issuer.publicKey) { return true }
        if rejectedKeys.contains(issuer.publicKey) { return false }
        return crl.isSigned(by: issuer)
    }
}
