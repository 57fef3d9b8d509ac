/// Writes certmap's mappings and resource policies as an IIS `applicationHost.config` fragment an
/// IIS administrator can paste: the `iisClientCertificateMappingAuthentication` section, the root
/// `access sslFlags` and one `<location path="SITE/path">` per other resource.
///
/// Passwords are written as empty attributes with a comment asking the administrator to fill
/// them in (certmap has none to give). What IIS cannot express — SAN rules, mappings known only
/// by fingerprint, per-resource account lists — is left out with a comment and a note, never
/// approximated: a many-to-one mapping without one of its rules would admit more certificates.
public enum IISConfigurationWriter {
    /// The XML text and one note per thing not exported.
    public static func render(_ document: ConfigDocument, site: String = "Default Web Site") -> (xml: String, notes: [String]) {
        var writer = IISXMLLines()
        var notes: [String] = []
        writer.line("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        writer.comment("Exported by certmap: client-certificate mappings for IIS 7 and later (system.webServer/security).")
        writer.comment("certmap stores no passwords: fill in each password=\"\" with the Windows account's password (IIS Manager or appcmd encrypts it).")
        writer.open("configuration")
        writer.open("system.webServer")
        writer.open("security")
        writer.open("authentication")
        writer.open("iisClientCertificateMappingAuthentication", [
            ("enabled", "true"),
            ("oneToOneCertificateMappingsEnabled", "\(document.mapping.oneToOneEnabled)"),
            ("manyToOneCertificateMappingsEnabled", "\(document.mapping.manyToOneEnabled)"),
        ])
        writeOneToOne(document.oneToOne, into: &writer, notes: &notes)
        writeManyToOne(document.manyToOne, into: &writer, notes: &notes)
        writer.close("iisClientCertificateMappingAuthentication")
        let root = document.resources.first { $0.path == "/" }
        if let root, root.clientCertificate != .require { writer.empty("anonymousAuthentication", [("enabled", "\(root.allowAnonymous)")]) }
        writer.close("authentication")
        if let root { writer.empty("access", [("sslFlags", IISSSLFlags(policy: root.clientCertificate).text)]) }
        writer.close("security")
        writer.close("system.webServer")
        for resource in document.resources where resource.path != "/" {
            writeLocation(resource, site: site, into: &writer)
        }
        writer.close("configuration")
        for resource in document.resources where !resource.allowAccounts.isEmpty || !resource.allowGroups.isEmpty {
            notes.append("resource \(resource.path): its allowed accounts and groups are not exported; IIS expresses them with <authorization> rules")
        }
        let disabled = Set(document.accounts.filter { !$0.enabled }.map(\.name))
        for account in Set(document.oneToOne.map(\.account) + document.manyToOne.compactMap(\.account)).intersection(disabled).sorted() {
            notes.append("account \"\(account)\" is disabled in certmap; disable the Windows account in IIS to keep mapped requests out")
        }
        return (writer.text, notes)
    }

    private static func writeOneToOne(_ entries: [OneToOneEntry], into writer: inout IISXMLLines, notes: inout [String]) {
        writer.open("oneToOneMappings")
        for entry in entries {
            guard let certificate = entry.certificate else {
                let note = "one-to-one \"\(entry.name)\" → \(entry.account) is not exported: certmap knows only its SHA-256, IIS needs the certificate"
                writer.comment(note + " (add it with certmap mappings add --cert)")
                notes.append(note)
                continue
            }
            writer.comment("\(entry.name) (\(entry.subject ?? "SHA-256 \(entry.sha256 ?? "")"))")
            writer.empty("add", [("enabled", "\(entry.enabled)"), ("userName", entry.account), ("password", ""), ("certificate", certificate)])
        }
        writer.close("oneToOneMappings")
    }

    private static func writeManyToOne(_ entries: [ManyToOneEntry], into writer: inout IISXMLLines, notes: inout [String]) {
        writer.open("manyToOneMappings")
        for entry in entries {
            if let rule = entry.rules.first(where: { $0.subfield.nameSubfield == nil }) {
                let note = "many-to-one \"\(entry.name)\" is not exported: IIS has no \(rule.subfield.rawValue) subfield, and leaving the rule out would match more certificates"
                writer.comment(note)
                notes.append(note)
                continue
            }
            writer.open("add", [
                ("name", entry.name), ("description", entry.description), ("enabled", "\(entry.enabled)"),
                ("permissionMode", entry.permission == .allow ? "Allow" : "Deny"), ("userName", entry.account ?? ""), ("password", ""),
            ])
            writer.open("rules")
            for rule in entry.rules {
                writer.empty("add", [
                    ("certificateField", rule.field == .subject ? "Subject" : "Issuer"), ("certificateSubField", rule.subfield.rawValue),
                    ("matchCriteria", rule.match), ("compareCaseSensitive", "\(rule.caseSensitive)"),
                ])
            }
            writer.close("rules")
            writer.close("add")
        }
        writer.close("manyToOneMappings")
    }

    private static func writeLocation(_ resource: ResourceEntry, site: String, into writer: inout IISXMLLines) {
        writer.open("location", [("path", site + resource.path)])
        writer.open("system.webServer")
        writer.open("security")
        if resource.clientCertificate != .require {
            writer.open("authentication")
            writer.empty("anonymousAuthentication", [("enabled", "\(resource.allowAnonymous)")])
            writer.close("authentication")
        }
        writer.empty("access", [("sslFlags", IISSSLFlags(policy: resource.clientCertificate).text)])
        writer.close("security")
        writer.close("system.webServer")
        writer.close("location")
    }
}

/// Indented XML output with escaping; attributes keep the order given, so exports diff cleanly.
struct IISXMLLines {
    private var lines: [String] = []
    private var depth = 0

    var text: String { lines.joined(separator: "\n") + "\n" }

    mutating func line(_ text: String) {
        lines.append(String(repeating: "  ", count: depth) + text)
    }

    mutating func open(_ name: String, _ attributes: [(String, String)] = []) {
        line("<\(name)\(Self.format(attributes))>")
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        line("</\(name)>")
    }

    mutating func empty(_ name: String, _ attributes: [(String, String)]) {
        line("<\(name)\(Self.format(attributes)) />")
    }

    /// `<!-- text -->`, with `--` (not allowed inside a comment) broken up and characters XML 1.0
    /// cannot hold at all (C0 controls, U+FFFE, U+FFFF — a certificate's CN may carry them) shown as
    /// U+FFFD: a comment is for people, and one bad character would make the whole file unreadable.
    mutating func comment(_ text: String) {
        var safe = String(String.UnicodeScalarView(text.unicodeScalars.map { Self.isAllowedInXML($0) ? $0 : "\u{FFFD}" }))
        while safe.contains("--") { safe = safe.replacingOccurrences(of: "--", with: "- -") }
        if safe.hasSuffix("-") { safe += " " }
        line("<!-- \(safe) -->")
    }

    /// XML 1.0 `Char`: tab, newline, carriage return and everything from U+0020 but U+FFFE and U+FFFF.
    static func isAllowedInXML(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return true
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    private static func format(_ attributes: [(String, String)]) -> String {
        attributes.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    /// Escapes for a double-quoted attribute value; whitespace controls as character references so
    /// a reader gets them back instead of normalised spaces.
    static func escape(_ value: String) -> String {
        var escaped = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "\n": escaped += "&#10;"
            case "\r": escaped += "&#13;"
            case "\t": escaped += "&#9;"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
