import Foundation

/// Checks a configuration document for everything JSON decoding cannot: references, duplicates,
/// fingerprints, criteria and paths. Returns every problem at once, not just the first.
public enum ConfigValidator {
    /// Largest accepted `server.limits` timeout, in seconds: far beyond any use, and its
    /// milliseconds fit the Int64 the server converts them to.
    static let maximumTimeoutSeconds: Double = 1_000_000_000

    public static func validate(_ document: ConfigDocument) -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        let accountNames = Set(document.accounts.map(\.name))
        issues += duplicates(document.accounts.map(\.name), path: "accounts", what: "account")
        issues += document.journal.issues
        for (index, account) in document.accounts.enumerated() where account.name.trimmingSpaces.isEmpty {
            issues.append(ConfigIssue(path: "accounts[\(index)].name", message: "must not be empty"))
        }
        // Checked here once rather than on every response that carries the name.
        for (index, account) in document.accounts.enumerated() {
            if let problem = AccountName.problem(account.name) { issues.append(ConfigIssue(path: "accounts[\(index)].name", message: problem)) }
        }
        issues += duplicates(document.oneToOne.map(\.name), path: "oneToOne", what: "one-to-one mapping")
        for (index, entry) in document.oneToOne.enumerated() {
            issues += validate(entry, path: "oneToOne[\(index)]", accounts: accountNames)
        }
        issues += duplicates(document.manyToOne.map(\.name), path: "manyToOne", what: "many-to-one mapping")
        for (index, entry) in document.manyToOne.enumerated() {
            issues += validate(entry, path: "manyToOne[\(index)]", accounts: accountNames)
        }
        issues += duplicates(document.resources.map { $0.caseSensitive ? $0.path : $0.path.lowercased() }, path: "resources", what: "resource path")
        for (index, entry) in document.resources.enumerated() {
            issues += validate(entry, path: "resources[\(index)]", accounts: accountNames)
        }
        for (index, serial) in document.trust.revokedSerials.enumerated() where !serial.isHexSerial {
            issues.append(ConfigIssue(path: "trust.revokedSerials[\(index)]", message: "\"\(serial)\" is not a hex serial number"))
        }
        issues += validate(document.server)
        if document.trust.caBundle.trimmingSpaces.isEmpty {
            issues.append(ConfigIssue(path: "trust.caBundle", message: "must name a PEM file of trusted CA certificates"))
        }
        return issues
    }

    private static func validate(_ entry: OneToOneEntry, path: String, accounts: Set<String>) -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        if !accounts.contains(entry.account) {
            issues.append(ConfigIssue(path: "\(path).account", message: "unknown account \"\(entry.account)\"; add it to accounts"))
        }
        switch (entry.sha256, entry.certificate) {
        case (nil, nil):
            issues.append(ConfigIssue(path: path, message: "needs \"certificate\" (base64 DER) or \"sha256\" (fingerprint)"))
        case (let hex?, _) where Fingerprint(hex: hex)?.bytes.count != 32:
            issues.append(ConfigIssue(path: "\(path).sha256", message: "\"\(hex)\" is not a SHA-256 fingerprint (64 hex digits, colons allowed)"))
        case (let hex, let base64?):
            guard let der = [UInt8](base64Encoded: base64), let identity = try? CertificateIdentity(derEncoded: der) else {
                issues.append(ConfigIssue(path: "\(path).certificate", message: "not a base64 DER X.509 certificate"))
                break
            }
            if let hex, let given = Fingerprint(hex: hex), given != identity.sha256 {
                issues.append(ConfigIssue(path: "\(path).sha256", message: "does not match the certificate (its SHA-256 is \(identity.sha256.colonHex))"))
            }
        default:
            break
        }
        return issues
    }

    private static func validate(_ entry: ManyToOneEntry, path: String, accounts: Set<String>) -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        switch (entry.permission, entry.account) {
        case (.allow, nil):
            issues.append(ConfigIssue(path: "\(path).account", message: "an allow mapping needs an account"))
        case (.allow, let account?) where !accounts.contains(account):
            issues.append(ConfigIssue(path: "\(path).account", message: "unknown account \"\(account)\"; add it to accounts"))
        default:
            break
        }
        if entry.rules.isEmpty {
            issues.append(ConfigIssue(path: "\(path).rules", message: "needs at least one rule (a mapping without rules would match every certificate)"))
        }
        for (index, rule) in entry.rules.enumerated() {
            let rulePath = "\(path).rules[\(index)]"
            if rule.field == .issuer && !rule.subfield.appliesToIssuer {
                issues.append(ConfigIssue(path: "\(rulePath).subfield", message: "\(rule.subfield.rawValue) exists only in the subject; use field \"subject\""))
            }
            if rule.match.isEmpty {
                issues.append(ConfigIssue(path: "\(rulePath).match", message: "must not be empty; use \"*\" to match any value"))
            }
        }
        return issues
    }

    private static func validate(_ entry: ResourceEntry, path: String, accounts: Set<String>) -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        if !entry.path.hasPrefix("/") {
            issues.append(ConfigIssue(path: "\(path).path", message: "\"\(entry.path)\" must start with \"/\""))
        } else if let problem = resourcePathProblem(entry.path) {
            issues.append(ConfigIssue(path: "\(path).path", message: problem))
        }
        for (index, account) in entry.allowAccounts.enumerated() where !accounts.contains(account) {
            issues.append(ConfigIssue(path: "\(path).allowAccounts[\(index)]", message: "unknown account \"\(account)\""))
        }
        if entry.clientCertificate == .require && entry.allowAnonymous {
            issues.append(ConfigIssue(path: "\(path).allowAnonymous", message: "cannot be true when clientCertificate is \"require\""))
        }
        return issues
    }

    /// A resource prefix is matched against normalised decision paths, so it must be one itself:
    /// a prefix no request can ever be read as would govern nothing.
    static func resourcePathProblem(_ prefix: String) -> String? {
        switch RequestTarget.read(prefix) {
        case .failure(let refusal):
            return "\"\(prefix)\" is not a path a request can have: \(refusal)"
        case .success(let target):
            if prefix.contains("?") || prefix.contains(";") {
                return "\"\(prefix)\" must be a path without a query (?) or path parameters (;)"
            }
            guard target.decisionPath == prefix else {
                return "\"\(prefix)\" is matched against normalised paths; write it as \"\(target.decisionPath)\""
            }
            return nil
        }
    }

    private static func validate(_ server: ServerSettings) -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        for (index, entry) in server.proxiedConnections.enumerated() where IPAddressRange(entry.address) == nil {
            issues.append(ConfigIssue(path: "server.proxiedConnections[\(index)].address", message: "\"\(entry.address)\" is not an IP address or CIDR range"))
        }
        for (index, entry) in server.certificateForwarders.enumerated() {
            issues += validate(entry, path: "server.certificateForwarders[\(index)]")
        }
        for (field, name) in [("escapedPEMHeader", server.forwardedHeaders.escapedPEMHeader), ("base64DERHeader", server.forwardedHeaders.base64DERHeader)]
        where !IdentityHeaderNames.isToken(name) {
            issues.append(ConfigIssue(path: "server.forwardedHeaders.\(field)", message: "\"\(name)\" is not a valid header name"))
        }
        let limits = server.limits
        for (name, value) in [("maxHeaderBytes", limits.maxHeaderBytes), ("maxBodyBytes", limits.maxBodyBytes),
            ("maxConnections", limits.maxConnections), ("maxConnectionsPerAddress", limits.maxConnectionsPerAddress),
            ("maxConnectionsPerProxyAddress", limits.maxConnectionsPerProxyAddress)] where !(value > 0)
        {
            issues.append(ConfigIssue(path: "server.limits.\(name)", message: "must be greater than 0"))
        }
        issues += timeoutIssues(under: "server.limits", [
            ("headerReadTimeoutSeconds", limits.headerReadTimeoutSeconds), ("idleTimeoutSeconds", limits.idleTimeoutSeconds),
            ("handshakeTimeoutSeconds", limits.handshakeTimeoutSeconds),
        ])
        let gateway = server.gateway
        issues += timeoutIssues(under: "server.gateway", [
            ("connectTimeoutSeconds", gateway.connectTimeoutSeconds), ("responseTimeoutSeconds", gateway.responseTimeoutSeconds),
        ])
        for (field, message) in gateway.problems() {
            issues.append(ConfigIssue(path: "server.gateway.\(field)", message: message))
        }
        return issues
    }

    /// Every timeout, wherever it is set: more than 0, and at most `maximumTimeoutSeconds` — the
    /// server hands timeouts to NIO as Int64 milliseconds, and a larger value would trap there.
    private static func timeoutIssues(under path: String, _ timeouts: [(name: String, seconds: Double)]) -> [ConfigIssue] {
        timeouts.compactMap { name, seconds in
            if !(seconds > 0) { return ConfigIssue(path: "\(path).\(name)", message: "must be greater than 0") }
            if seconds > maximumTimeoutSeconds { return ConfigIssue(path: "\(path).\(name)", message: "must be at most \(Int(maximumTimeoutSeconds)) (about 31 years)") }
            return nil
        }
    }

    private static func validate(_ entry: CertificateForwarderEntry, path: String) -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        if let address = entry.address, IPAddressRange(address) == nil {
            issues.append(ConfigIssue(path: "\(path).address", message: "\"\(address)\" is not an IP address or CIDR range"))
        }
        if let hex = entry.sha256, Fingerprint(hex: hex)?.bytes.count != 32 {
            issues.append(ConfigIssue(path: "\(path).sha256", message: "\"\(hex)\" is not a SHA-256 fingerprint (64 hex digits, colons allowed)"))
        }
        switch (entry.ca, entry.subject) {
        case (nil, _?):
            issues.append(ConfigIssue(path: "\(path).ca", message: "a subject rule needs \"ca\": the PEM file of the CA that issues the forwarder's certificate (a subject alone can be copied by any CA)"))
        case (_?, nil):
            issues.append(ConfigIssue(path: "\(path).subject", message: "\"ca\" needs \"subject\": the forwarder certificate's exact subject (RFC 2253), or every certificate of that CA could forward identities"))
        case (let ca?, _) where ca.trimmingSpaces.isEmpty:
            issues.append(ConfigIssue(path: "\(path).ca", message: "must name a PEM file"))
        default:
            break
        }
        let identified = entry.sha256 != nil || entry.ca != nil || entry.subject != nil
        if entry.addressOnly {
            if identified {
                issues.append(ConfigIssue(path: "\(path).addressOnly", message: "cannot be true together with sha256 or ca/subject; remove addressOnly to identify the forwarder by its certificate"))
            } else if entry.address == nil {
                issues.append(ConfigIssue(path: "\(path).address", message: "an address-only forwarder needs an address"))
            }
        } else if !identified {
            issues.append(ConfigIssue(path: path, message: "needs \"sha256\" (the pin of the certificate the forwarder presents) or \"ca\" + \"subject\"; trusting an address alone needs \"addressOnly\": true and is weak"))
        }
        return issues
    }

    /// What loads but weakens security: each address-only certificate forwarder (any process
    /// that can use the address could forge identities). Shown at start, by `config check`-style
    /// commands and in the console; not an error, because some deployments have nothing better.
    public static func weaknesses(_ document: ConfigDocument) -> [ConfigIssue] {
        document.server.certificateForwarders.enumerated().compactMap { index, entry in
            guard entry.addressOnly, let address = entry.address else { return nil }
            return ConfigIssue(
                path: "server.certificateForwarders[\(index)]",
                message: "weak: \(entry.displayName) is believed by address alone, so any process that can connect from \(address) can forge a client identity; pin its certificate (sha256) instead"
            )
        }
    }

    private static func duplicates(_ names: [String], path: String, what: String) -> [ConfigIssue] {
        var seen: [String: Int] = [:]
        var issues: [ConfigIssue] = []
        for (index, name) in names.enumerated() {
            if let first = seen[name] {
                issues.append(ConfigIssue(path: "\(path)[\(index)]", message: "duplicate \(what) \"\(name)\" (first at \(path)[\(first)])"))
            } else {
                seen[name] = index
            }
        }
        return issues
    }
}

extension String {
    var trimmingSpaces: String { trimmingCharacters(in: .whitespacesAndNewlines) }

    /// Hex digits with optional colons, at least one digit.
    var isHexSerial: Bool {
        let digits = unicodeScalars.filter { $0 != ":" }
        return !digits.isEmpty && digits.allSatisfy { $0.hexNibble != nil }
    }
}

extension Array where Element == UInt8 {
    init?(base64Encoded text: String) {
        guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters) else { return nil }
        self = Array(data)
    }
}
