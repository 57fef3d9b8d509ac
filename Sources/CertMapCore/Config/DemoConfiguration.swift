import Foundation

/// The configuration `certmap` writes on first run, so the product works out of the box.
///
/// It exercises every decision the demo PKI can produce: alice and carol by one-to-one mapping,
/// bob through the "Contoso sales" many-to-one mapping, dave hits the "Contoso contractors"
/// deny mapping (403.12), erin maps to nothing (401.2), a disabled mapping for Fabrikam shows up
/// in traces, and `/admin` admits only the `admins` group (bob gets 401.3 there). The forward
/// proxy's outbound address counts as proxied; the reverse proxy is the certificate forwarder.
public enum DemoConfiguration {
    /// Builds the demo document, embedding alice's and carol's certificates from `pkiDirectory`.
    public static func make(pkiDirectory: URL) throws -> ConfigDocument {
        func oneToOne(_ user: String) throws -> OneToOneEntry {
            let identity = try CertificateLoader.certificates(at: pkiDirectory.appendingPathComponent("\(user).crt"))[0]
            return OneToOneEntry(
                name: "\(user) (demo certificate)",
                account: user,
                sha256: identity.sha256.colonHex,
                certificate: Data(identity.der).base64EncodedString(),
                subject: identity.subject.rfc2253
            )
        }
        let proxy = try CertificateLoader.certificates(at: pkiDirectory.appendingPathComponent("proxy.crt"))[0]
        var document = ConfigDocument(
            trust: TrustSettings(caBundle: "pki/ca-bundle.pem", crls: ["pki/crl.pem"]),
            accounts: [
                AccountEntry(name: "alice", groups: ["engineering", "admins"]),
                AccountEntry(name: "carol", groups: ["research"]),
                AccountEntry(name: "sales", groups: ["sales"]),
                AccountEntry(name: "engineering", groups: ["engineering"]),
                AccountEntry(name: "fabrikam-legacy", enabled: false),
            ],
            oneToOne: [try oneToOne("alice"), try oneToOne("carol")],
            manyToOne: [
                ManyToOneEntry(
                    name: "Contoso contractors",
                    description: "Contractors must use the partner portal, not this service.",
                    permission: .deny,
                    account: nil,
                    rules: [RuleEntry(subfield: .organization, match: "Contoso"), RuleEntry(subfield: .organizationalUnit, match: "Contractors")]
                ),
                ManyToOneEntry(
                    name: "Contoso sales",
                    description: "Everyone in Contoso sales shares the sales account.",
                    account: "sales",
                    rules: [
                        RuleEntry(subfield: .organization, match: "Contoso"), RuleEntry(subfield: .organizationalUnit, match: "Sales"),
                        RuleEntry(field: .issuer, subfield: .commonName, match: "CertMap Demo Issuing CA"),
                    ]
                ),
                ManyToOneEntry(
                    name: "Contoso engineering",
                    description: "Engineers without a one-to-one mapping.",
                    account: "engineering",
                    rules: [RuleEntry(subfield: .organizationalUnit, match: "Engineering"), RuleEntry(subfield: .sanEmail, match: "*@contoso.example")]
                ),
                ManyToOneEntry(
                    name: "Fabrikam (retired)",
                    description: "Kept for reference; the Fabrikam partnership ended.",
                    enabled: false,
                    account: "fabrikam-legacy",
                    rules: [RuleEntry(subfield: .organization, match: "Fabrikam")]
                ),
            ],
            resources: [
                ResourceEntry(path: "/", clientCertificate: .require),
                ResourceEntry(path: "/admin", clientCertificate: .require, allowGroups: ["admins"]),
                ResourceEntry(path: "/public", clientCertificate: .ignore, allowAnonymous: true),
            ]
        )
        // The forward proxy's tunnels come from 127.0.0.2: proxied (for legacy-iis4), but a
        // tunnel carries the client's own TLS, so nothing in it is a forwarded certificate. The
        // reverse proxy connects from 127.0.0.3 presenting its own certificate: it is the one
        // certificate forwarder, and that certificate never stands for a user.
        document.server.proxiedConnections = [ProxiedConnectionEntry(address: "127.0.0.2")]
        document.server.certificateForwarders = [
            CertificateForwarderEntry(name: "certmap reverse proxy", sha256: proxy.sha256.colonHex, address: "127.0.0.3"),
        ]
        return document
    }
}
