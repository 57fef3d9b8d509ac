import CertMapCore
import Foundation

/// Checks the server's proxy roles against the simulator's proxies before they start.
///
/// An error: a certificate forwarder that admits the forward proxy's outbound address by address
/// — a CONNECT tunnel carries the client's own TLS and headers, which the proxy can neither add nor
/// strip, so any client could forge an identity through it. Warnings: a home whose configuration
/// does not know the proxies (made before the reverse proxy existed, or edited), which makes
/// legacy-iis4 miss proxied connections or every forwarded certificate look spoofed; and each weak
/// (address-only) forwarder. Each says the fix.
enum ProxyTrustCheck {
    struct Findings: Hashable {
        var errors: [String] = []
        var warnings: [String] = []
    }

    static func check(settings: ProxySimulatorSettings, home: DataHome) -> Findings {
        guard let document = try? ConfigStore(home: home).load() else { return Findings() }
        return check(settings: settings, document: document, home: home)
    }

    static func check(settings: ProxySimulatorSettings, document: ConfigDocument, home: DataHome) -> Findings {
        var findings = Findings()
        let server = document.server
        let file = home.configFile.path
        if settings.forwardListen != nil, let tunnel = IPAddress(settings.forwardOutboundHost) {
            for (index, entry) in server.certificateForwarders.enumerated() {
                guard let address = entry.address, let range = IPAddressRange(address), range.contains(tunnel) else { continue }
                findings.errors.append("\(file): server.certificateForwarders[\(index)] (\(entry.displayName)) includes \(settings.forwardOutboundHost), the forward proxy's tunnel address: a CONNECT tunnel carries the client's own TLS and headers and cannot strip forged ones, so it must never be a certificate forwarder; remove the entry or narrow its address")
            }
            if !server.proxiedConnections.contains(where: { IPAddressRange($0.address)?.contains(tunnel) ?? false }) {
                findings.warnings.append("\(file): the forward proxy's outbound address \(settings.forwardOutboundHost) is not in server.proxiedConnections, so legacy-iis4 will not treat its tunnels as proxied; add {\"address\": \"\(settings.forwardOutboundHost)\"} there")
            }
        }
        let proxyCertificate = home.pkiDirectory.appendingPathComponent("proxy.crt")
        if settings.reverseListen != nil, let address = IPAddress(settings.reverseOutboundHost),
           let leaf = try? CertificateLoader.certificates(at: proxyCertificate).first,
           let trust = try? ProxyTrust.load(server, home: home),
           !trust.role(address: address, leaf: leaf).mayForwardCertificates {
            findings.warnings.append("\(file): the reverse proxy (\(settings.reverseOutboundHost) presenting \(proxyCertificate.lastPathComponent)) is not a certificate forwarder, so the certificates it forwards will be stripped as spoofed; add {\"name\": \"certmap reverse proxy\", \"sha256\": \"\(leaf.sha256.colonHex)\", \"address\": \"\(settings.reverseOutboundHost)\"} to server.certificateForwarders")
        }
        findings.warnings += ConfigValidator.weaknesses(document).map { "\(file): \($0)" }
        return findings
    }
}
