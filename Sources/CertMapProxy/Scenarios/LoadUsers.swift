import CertMapCore
import Foundation

/// Generated users for scenarios that need many distinct identities (`load-01`, `load-02`, ...):
/// issued once by the demo issuing CA into `<home>/pki/` (keys 0600) and reused afterwards.
///
/// Each must map to an account of its own, or a misattribution could not be told from a correct
/// answer. They are mapped in memory for the run only (`mapped(into:)` gives the server a new
/// configuration generation), so the operator's saved mappings never fill up with test users.
public struct LoadUsers: Sendable {
    public let names: [String]
    public let directory: URL

    /// Issues the missing ones.
    public static func prepare(count: Int, home: DataHome, now: Date = Date()) throws -> LoadUsers {
        let directory = home.pkiDirectory
        let names = (1...max(1, count)).map { String(format: "load-%02d", $0) }
        for name in names where !FileManager.default.fileExists(atPath: directory.appendingPathComponent("\(name).crt").path) {
            try CertificateIssuer.issueUser(name: name, subject: "/O=Fabrikam/OU=Load/CN=\(name)", in: directory, now: now)
        }
        return LoadUsers(names: names, directory: directory)
    }

    public func identity(_ name: String) -> ClientIdentity {
        ClientIdentity.demo(name, pki: directory)
    }

    /// `document` plus one account and one one-to-one mapping per load user.
    public func mapped(into document: ConfigDocument) throws -> ConfigDocument {
        var document = document
        let existing = Set(document.accounts.map(\.name))
        for name in names {
            let certificate = try CertificateLoader.certificates(at: directory.appendingPathComponent("\(name).crt"))[0]
            if !existing.contains(name) { document.accounts.append(AccountEntry(name: name, groups: ["load"])) }
            document.oneToOne.removeAll { $0.name == "\(name) (load user)" }
            document.oneToOne.append(OneToOneEntry(name: "\(name) (load user)", account: name, sha256: certificate.sha256.colonHex, subject: certificate.subject.rfc2253))
        }
        return document
    }
}
