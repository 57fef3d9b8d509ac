import Foundation
import SwiftASN1
import X509

/// The demo PKI's certificates, keys, bundle and CRL, generated in memory before anything is
/// written. Names and subjects are part of the product (scenarios and default mappings refer
/// to them), so they are spelled out here once.
struct DemoPKIMaterial {
    var credentials: [PKICredential]
    var caBundlePEM: String
    var crl: CertificateRevocationList

    private static let day: TimeInterval = 86_400

    static func generate(now: Date) throws -> DemoPKIMaterial {
        let root = try makeRoot(subject: demoName("CertMap Demo Root CA"), now: now)
        let issuing = try makeIssuingCA(root: root, now: now)
        let impostorRoot = try makeRoot(subject: demoName("CertMap Impostor Root"), now: now)
        let issuer = try CertificateIssuer(certificate: issuing.certificate, privateKey: issuing.privateKey)
        let untrusted = try CertificateIssuer(certificate: impostorRoot.certificate, privateKey: impostorRoot.privateKey)

        var credentials = [
            PKICredential(name: "root-ca", role: .rootCA, certificate: root.certificate, privateKey: root.privateKey),
            PKICredential(name: "intermediate-ca", role: .issuingCA, certificate: issuing.certificate, privateKey: issuing.privateKey),
            PKICredential(name: "impostor-ca", role: .untrustedCA, certificate: impostorRoot.certificate, privateKey: impostorRoot.privateKey),
        ]
        for spec in try leafSpecs(now: now) {
            let key = PKICredential.newKey()
            let signer = spec.role == .impostorUser ? untrusted : issuer
            let certificate = try signer.issueLeaf(spec.profile, publicKey: key.publicKey)
            // The server and the proxy present their certificates over TLS, so their files carry
            // the issuing CA after the leaf: a peer that trusts only the root can verify them.
            let presentsOverTLS = spec.role == .server || spec.role == .proxy
            credentials.append(PKICredential(
                name: spec.name, role: spec.role, certificate: certificate, privateKey: key,
                chain: presentsOverTLS ? [issuing.certificate] : []))
        }
        let revoked = credentials.first { $0.role == .revokedUser }!.certificate
        let crl = try CertificateRevocationList.issue(
            issuer: issuing.certificate, issuerKey: issuing.privateKey,
            revoked: [RevokedCertificate(serialNumber: revoked.serialNumber, revocationDate: now - 3600, reason: .keyCompromise)],
            thisUpdate: now - 3600, nextUpdate: now + 365 * day, crlNumber: 1
        )
        let bundle = try CertificateEncoding.pem(root.certificate) + CertificateEncoding.pem(issuing.certificate)
        return DemoPKIMaterial(credentials: credentials, caBundlePEM: bundle, crl: crl)
    }

    private static func demoName(_ commonName: String) throws -> DistinguishedName {
        try DistinguishedName {
            OrganizationName("CertMap Demo")
            CommonName(commonName)
        }
    }

    /// CAs start 90 days back so even the expired demo user was issued inside their validity.
    private static func makeRoot(subject: DistinguishedName, now: Date) throws -> CertificateIssuer {
        try CertificateIssuer.selfSignedRoot(
            subject: subject, key: PKICredential.newKey(),
            notValidBefore: now - 90 * day, notValidAfter: now + 3650 * day
        )
    }

    private static func makeIssuingCA(root: CertificateIssuer, now: Date) throws -> CertificateIssuer {
        let key = PKICredential.newKey()
        let certificate = try root.issueCA(
            subject: demoName("CertMap Demo Issuing CA"), publicKey: key.publicKey, pathLength: 0,
            notValidBefore: now - 90 * day, notValidAfter: now + 5 * 365 * day
        )
        return try CertificateIssuer(certificate: certificate, privateKey: key)
    }

    struct LeafSpec {
        var name: String
        var role: DemoPKIManifest.Role
        var profile: LeafCertificateProfile
    }

    private static func leafSpecs(now: Date) throws -> [LeafSpec] {
        let start = now - day
        let end = now + 2 * 365 * day
        func user(_ name: String, _ subject: String, role: DemoPKIManifest.Role = .user,
                  from: Date = start, to: Date = end) throws -> LeafSpec {
            let dn = try SubjectParser.parse(subject)
            let profile = LeafCertificateProfile.user(
                subject: dn, email: SubjectParser.emailAddress(in: dn), notValidBefore: from, notValidAfter: to
            )
            return LeafSpec(name: name, role: role, profile: profile)
        }
        let alice = "/C=US/O=Contoso/OU=Engineering/CN=alice/emailAddress=alice@contoso.example"
        return [
            LeafSpec(name: "server", role: .server, profile: try serverProfile(start, end)),
            LeafSpec(name: "proxy", role: .proxy, profile: try proxyProfile(start, end)),
            try user("alice", alice),
            try user("bob", "/C=US/O=Contoso/OU=Sales/CN=bob/emailAddress=bob@contoso.example"),
            try user("carol", "/C=GB/O=Fabrikam/OU=Research/CN=carol/emailAddress=carol@fabrikam.example"),
            try user("dave", "/C=US/O=Contoso/OU=Contractors/CN=dave/emailAddress=dave@contoso.example"),
            try user("erin", "/C=US/O=Northwind/OU=Support/CN=erin/emailAddress=erin@northwind.example"),
            try user("expired", "/C=US/O=Contoso/OU=Engineering/CN=expired-user", role: .expiredUser,
                     from: now - 60 * day, to: now - 30 * day),
            try user("notyet", "/C=US/O=Contoso/OU=Engineering/CN=notyet-user", role: .notYetValidUser,
                     from: now + 30 * day, to: now + 395 * day),
            try user("revoked", "/C=US/O=Contoso/OU=Engineering/CN=revoked-user", role: .revokedUser),
            try user("impostor", alice, role: .impostorUser),
        ]
    }

    private static func serverProfile(_ start: Date, _ end: Date) throws -> LeafCertificateProfile {
        LeafCertificateProfile(
            subject: try SubjectParser.parse("/O=CertMap Demo/CN=localhost"),
            subjectAlternativeNames: [.dnsName("localhost"), .ipAddress(ipv4(127, 0, 0, 1)), .ipAddress(ipv6Loopback)],
            extendedKeyUsages: [.serverAuth], notValidBefore: start, notValidAfter: end
        )
    }

    private static func proxyProfile(_ start: Date, _ end: Date) throws -> LeafCertificateProfile {
        LeafCertificateProfile(
            subject: try SubjectParser.parse("/O=CertMap Demo/OU=Proxies/CN=certmap-proxy"),
            subjectAlternativeNames: [.dnsName("localhost"), .ipAddress(ipv4(127, 0, 0, 1)), .ipAddress(ipv4(127, 0, 0, 2))],
            extendedKeyUsages: [.serverAuth, .clientAuth], notValidBefore: start, notValidAfter: end
        )
    }

    private static func ipv4(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> ASN1OctetString {
        ASN1OctetString(contentBytes: [a, b, c, d])
    }

    private static let ipv6Loopback = ASN1OctetString(contentBytes: Array(repeating: 0, count: 15) + [1])
}
