import Foundation

/// How a peer that is *not* a certificate forwarder resembles one that is configured: the facts
/// behind "this is a proxy slip, not an attack". A TLS-terminating proxy whose headers were
/// stripped is most often a configured forwarder with one property off — it connects from
/// another address (nginx without `proxy_bind`), its certificate was renewed (the pin is stale),
/// it presents no certificate upstream — and the fix is in the configuration or the proxy, never
/// a mapping for the proxy's own certificate (that would log every proxied user in as one
/// account). Only a peer that resembles no configured proxy is a client forging headers.
public enum ForwarderResemblance: Hashable, Sendable, Codable {
    /// The peer's address is a proxied-connection address (a CONNECT proxy's): a tunnel carries
    /// the client's own TLS and can never forward a certificate.
    case proxiedConnection(address: String)
    /// Configured forwarder `name` (`server.certificateForwarders[index]`) but for `difference`.
    case forwarder(name: String, index: Int, difference: Difference)

    /// The one property in which the peer differs from the forwarder it resembles.
    public enum Difference: Hashable, Sendable, Codable {
        /// It presents the forwarder's certificate from another address than the configured one.
        case address(configured: String, actual: String)
        /// It connects from the forwarder's address with another certificate than the pinned one
        /// (a renewed proxy certificate, typically): the presented certificate's facts.
        case certificate(configuredPin: String, presentedPin: String, presentedSubject: String, presentedIssuer: String)
        /// It connects from the forwarder's address without presenting a certificate at all.
        case noCertificate(address: String)
        /// It connects from the forwarder's address with another subject than the configured one.
        case subject(configured: String, presented: String)
        /// It presents the configured subject, but the certificate is not issued by a CA in the
        /// forwarder's `ca` file, or is outside its validity, or is itself a CA.
        case issuer(subject: String, caFile: String)

        /// "connects from 127.0.0.1, not 127.0.0.3": what differs, as a clause.
        public var clause: String {
            switch self {
            case .address(let configured, let actual): return "connects from \(actual), not \(configured)"
            case .certificate(_, let presented, _, _): return "presented another certificate (SHA-256 \(presented.prefix(11))…) than the pinned one"
            case .noCertificate: return "presented no certificate of its own"
            case .subject(let configured, let presented): return "presented \(presented), not \(configured)"
            case .issuer(_, let caFile): return "its certificate is not issued by a CA in \(caFile), or is outside its validity"
            }
        }
    }

    /// Compares a peer with every configured proxy of `server`; nil when it resembles none.
    /// - Parameters:
    ///   - address: the peer's IP address.
    ///   - leaf: the certificate the peer presented in its TLS handshake, if any.
    ///   - sentForwardedHeaders: the request carried forwarded-certificate headers. Without them
    ///     only the certificate identifies a proxy (a forwarder's certificate from another
    ///     address, or its subject from the wrong CA): an address alone says nothing then, since
    ///     clients may share a host with a proxy.
    public static func of(address: IPAddress?, leaf: CertificateIdentity?, server: ServerSettings, sentForwardedHeaders: Bool = true) -> ForwarderResemblance? {
        let peerText = address?.description ?? "?"
        for (index, entry) in server.certificateForwarders.enumerated() where !entry.addressOnly {
            let range = entry.address.flatMap(IPAddressRange.init)
            let atAddress = range.map { range in address.map(range.contains) ?? false } ?? false
            let pin = entry.sha256.flatMap(Fingerprint.init(hex:))
            let subjectMatches = entry.subject.map { subject in leaf.map { CertificateForwarder.certificate($0, hasSubject: subject) } ?? false } ?? false
            let certificateMatches = pin.map { $0 == leaf?.sha256 } ?? subjectMatches
            let name = entry.displayName
            if certificateMatches, let configured = entry.address, !atAddress {
                return .forwarder(name: name, index: index, difference: .address(configured: configured, actual: peerText))
            }
            guard sentForwardedHeaders || subjectMatches else { continue }
            guard atAddress || (range == nil && subjectMatches) else { continue }
            guard let leaf else {
                return .forwarder(name: name, index: index, difference: .noCertificate(address: peerText))
            }
            if let pin, pin != leaf.sha256 {
                return .forwarder(name: name, index: index, difference: .certificate(
                    configuredPin: pin.colonHex, presentedPin: leaf.sha256.colonHex, presentedSubject: leaf.subject.rfc2253, presentedIssuer: leaf.issuer.rfc2253))
            }
            if let subject = entry.subject, !subjectMatches {
                return .forwarder(name: name, index: index, difference: .subject(configured: subject, presented: leaf.subject.rfc2253))
            }
            if let subject = entry.subject, let ca = entry.ca {
                return .forwarder(name: name, index: index, difference: .issuer(subject: subject, caFile: ca))
            }
        }
        if sentForwardedHeaders, let address, server.proxiedConnections.contains(where: { IPAddressRange($0.address)?.contains(address) ?? false }) {
            return .proxiedConnection(address: peerText)
        }
        return nil
    }
}
