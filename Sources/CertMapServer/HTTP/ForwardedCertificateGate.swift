import CertMapCore
import NIOHTTP1

/// Decides what forwarded-certificate headers mean for one request: from a certificate forwarder
/// (a TLS-terminating proxy identified by its own certificate) they are parsed (malformed → 400);
/// from anyone else — a plain client, a CONNECT tunnel, a merely proxied address — they are
/// stripped, never believed, reported as a spoofing attempt, and the request is judged on its
/// own TLS identity.
struct ForwardedCertificateGate: Sendable {
    enum Verdict: Hashable, Sendable {
        case notForwarded
        case forwarded(ForwardedCertificate)
        /// Forwarded-certificate headers from a peer that may not forward; names of the headers.
        case spoofed([String])
        case malformed(ForwardedHeaderError)
    }

    let parser: ForwardedCertificateParser

    init(settings: ForwardedHeaderSettings) {
        self.parser = ForwardedCertificateParser(settings: settings)
    }

    func judge(_ headers: HTTPHeaders, peerMayForward: Bool) -> Verdict {
        // Most requests carry none: saying so must not cost a copy of their headers.
        guard headers.contains(where: { parser.isForwardedCertificateHeader($0.name) }) else { return .notForwarded }
        let pairs = headers.map { (name: $0.name, value: $0.value) }
        guard peerMayForward else {
            let present = parser.presentHeaderNames(in: pairs)
            return present.isEmpty ? .notForwarded : .spoofed(present)
        }
        switch parser.parse(headers: pairs) {
        case .none: return .notForwarded
        case .certificate(let certificate): return .forwarded(certificate)
        case .malformed(let error): return .malformed(error)
        }
    }
}
