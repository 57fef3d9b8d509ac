import Foundation

@testable import CertMapCore

/// Configuration documents and JSON texts shared by the config tests.
enum ConfigFixtures {
    /// A small, valid document exercising every entry type.
    static func document(alice: CertificateIdentity) -> ConfigDocument {
        ConfigDocument(
            mapping: MappingSettings(oneToOneEnabled: true, manyToOneEnabled: true),
            trust: TrustSettings(caBundle: "pki/ca-bundle.pem", crls: ["pki/crl.pem"], revokedSerials: ["0A:1B"]),
            accounts: [
                AccountEntry(name: "alice", groups: ["admins"]),
                AccountEntry(name: "sales", groups: ["sales"]),
            ],
            oneToOne: [
                OneToOneEntry(
                    name: "alice laptop",
                    account: "alice",
                    sha256: alice.sha256.colonHex,
                    certificate: Data(alice.der).base64EncodedString(),
                    subject: alice.subject.rfc2253
                )
            ],
            manyToOne: [
                ManyToOneEntry(
                    name: "Contoso sales",
                    description: "sales staff",
                    account: "sales",
                    rules: [RuleEntry(subfield: .organization, match: "Contoso"), RuleEntry(subfield: .organizationalUnit, match: "Sales")]
                )
            ],
            resources: [
                ResourceEntry(path: "/"),
                ResourceEntry(path: "/admin", allowGroups: ["admins"]),
            ]
        )
    }

    /// Decodes and validates `json` as if read from `file`.
    static func decode(_ json: String, file: String = "config.json") throws -> ConfigDocument {
        try ConfigCodec.decode(Data(json.utf8), file: file)
    }

    /// The description of the error decoding `json` throws, or nil when it decodes.
    static func decodeError(_ json: String) -> String? {
        do {
            _ = try decode(json)
            return nil
        } catch {
            return "\(error)"
        }
    }
}
