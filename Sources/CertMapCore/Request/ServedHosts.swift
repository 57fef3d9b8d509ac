/// The host names and addresses certmap's HTTPS server answers for, read from its own
/// certificate: an absolute-form request target (`GET https://host/path`) must name one of them,
/// so a request meant for another host is never decided or forwarded as if it were for this one.
public struct ServedHosts: Hashable, Sendable {
    /// Lower-cased DNS names; `*.example.com` matches one label.
    public let names: [String]
    public let addresses: [IPAddress]
    /// No restriction (tools that decide offline, such as log import).
    public let matchesAny: Bool

    public static let any = ServedHosts(names: [], addresses: [], matchesAny: true)

    public init(names: [String], addresses: [IPAddress], matchesAny: Bool = false) {
        self.names = names.map { $0.lowercased() }
        self.addresses = addresses
        self.matchesAny = matchesAny
    }

    /// The DNS and IP subject alternative names of the server's certificate (its CN when it has none).
    public init(certificate: CertificateIdentity) {
        var names: [String] = []
        var addresses: [IPAddress] = []
        for name in certificate.subjectAlternativeNames {
            switch name {
            case .dns(let dns): names.append(dns)
            case .ipAddress(let text): if let address = IPAddress(text) { addresses.append(address) }
            default: break
            }
        }
        if names.isEmpty && addresses.isEmpty, let commonName = certificate.subject.values(of: .commonName).first {
            if let address = IPAddress(commonName) { addresses.append(address) } else { names.append(commonName) }
        }
        self.init(names: names, addresses: addresses)
    }

    /// Whether `authority` (`host`, `host:port`, `[v6]:port`) names this server; the port is not
    /// compared (certmap may sit behind a port mapping).
    public func serves(authority: String, scheme: String) -> Bool {
        if matchesAny { return true }
        var host = Substring(authority)
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            host = host[host.index(after: host.startIndex)..<close]
        } else if let colon = host.lastIndex(of: ":") {
            guard host[host.index(after: colon)...].allSatisfy(\.isASCIIDigit) else { return false }
            host = host[..<colon]
        }
        if let address = IPAddress(String(host)) { return addresses.contains(address) }
        var name = host.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        return names.contains { pattern in
            guard pattern.hasPrefix("*.") else { return pattern == name }
            guard let dot = name.firstIndex(of: ".") else { return false }
            return name[dot...] == pattern.dropFirst() && dot != name.startIndex
        }
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
