import CertMapCore
import Foundation

/// Warns when the server's configuration would not recognise the simulator's proxies: a home
/// created before the reverse proxy existed, or an edited `server.trustedProxies`, makes every
/// forwarded certificate look like a spoofing attempt. Said once, at start, with the fix.
enum ServerTrustCheck {
    static func warnings(settings: ProxySimulatorSettings, home: DataHome) -> [String] {
        guard let document = try? ConfigStore(home: home).load() else { return [] }
        let proxies = document.server.trustedProxies.compactMap(\.trustedProxy)
        var warnings: [String] = []
        if settings.forwardListen != nil, let address = IPAddress(settings.forwardOutboundHost),
           !proxies.contains(where: { $0.admits(address: address, certificate: nil) }) {
            warnings.append("the server does not trust the forward proxy's outbound address \(settings.forwardOutboundHost); add {\"address\": \"\(settings.forwardOutboundHost)\"} to server.trustedProxies in \(home.configFile.path)")
        }
        let proxyCertificate = home.pkiDirectory.appendingPathComponent("proxy.crt")
        if settings.reverseListen != nil, let address = IPAddress(settings.reverseOutboundHost),
           let fingerprint = try? CertificateLoader.certificates(at: proxyCertificate).first?.sha256,
           !proxies.contains(where: { $0.admits(address: address, certificate: fingerprint) }) {
            warnings.append("the server does not trust the reverse proxy (\(settings.reverseOutboundHost) presenting \(proxyCertificate.lastPathComponent)): forwarded certificates will be stripped as spoofed; add {\"address\": \"\(settings.reverseOutboundHost)\", \"sha256\": \"\(fingerprint.colonHex)\"} to server.trustedProxies in \(home.configFile.path)")
        }
        return warnings
    }
}
