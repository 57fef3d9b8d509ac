/// The diagnosis of a request refused because its proxy is not recognised as the forwarder it
/// resembles: the configuration or the proxy is fixed, the proxy's own certificate is never
/// offered for a mapping (that would log every proxied user in as one account), and only a peer
/// resembling no configured proxy is called a client forging headers.
enum ProxySlipDiagnosis {
    /// Never mapping the proxy's certificate: said in every fix where a mapping would "work".
    static let noMapping = "Do not add a mapping for the proxy's own certificate: it would log every user behind the proxy in as one account."

    static func diagnose(_ slip: ForwarderResemblance, stripped: StrippedHeaders?, headline: String, path: String) -> Diagnosis {
        let removed = stripped.map { "removed \($0.names.joined(separator: ", ")) from \($0.peer)" }
        let what = stripped.map { "forwarded \($0.names.joined(separator: ", ")), which were removed" } ?? "presented a forwarder's certificate as its own"
        let evidence = removed.map { [$0] } ?? []
        switch slip {
        case .proxiedConnection(let address):
            return Diagnosis(kind: .tunnelCannotForward, headline: headline, title: "forwarded certificate through a CONNECT tunnel",
                cause: "\(address) is a proxied-connection address (server.proxiedConnections, a CONNECT proxy's) and the request \(what). A tunnel carries the client's own TLS end to end, so nothing inside it can forward a certificate, and \(path) was judged on the request's own TLS identity.",
                fix: "Have the clients present their certificates through the tunnel. If \(address) is really a TLS-terminating proxy, list it under server.certificateForwarders by the sha256 of the certificate it presents, instead of under proxiedConnections. \(noMapping)",
                evidence: evidence)
        case .forwarder(let name, let index, let difference):
            let entry = "server.certificateForwarders[\(index)]"
            switch difference {
            case .address(let configured, let actual):
                return Diagnosis(kind: .forwarderWrongAddress, headline: headline, title: "forwarder connects from the wrong address",
                    cause: "The peer at \(actual) presents the certificate of forwarder \"\(name)\" (\(entry)), which is configured at \(configured); from \(actual) it is not believed, so the request \(what) and \(path) was judged on the proxy's own certificate, which never stands for a user. The usual slip: the proxy does not bind its upstream connections to \(configured).",
                    fix: "Make the proxy connect from \(configured) (nginx: proxy_bind \(configured); HAProxy: source \(configured) on the server line), or set \(entry).address to \(actual) if that is where it lives now. \(noMapping)",
                    evidence: evidence)
            case .certificate(let configuredPin, let presentedPin, let subject, let issuer):
                return Diagnosis(kind: .forwarderCertificateChanged, headline: headline, title: "forwarder's certificate is not the pinned one (renewed?)",
                    cause: "The peer connects from the address of forwarder \"\(name)\" (\(entry)) but presented \(subject), issued by \(issuer), SHA-256 \(presentedPin); the forwarder is pinned to \(configuredPin). Its forwarded headers were removed and \(path) was judged on the proxy's own certificate. A proxy certificate that was renewed has a new pin.",
                    fix: "If \(subject) is your proxy's renewed certificate, pin it: set \(entry).sha256 to \"\(presentedPin)\" in config.json (a running server applies it within a second). If you did not renew it, find out what answers at that address. \(noMapping)",
                    evidence: evidence)
            case .noCertificate(let address):
                return Diagnosis(kind: .forwarderPresentsNoCertificate, headline: headline, title: "forwarder presents no certificate upstream",
                    cause: "The peer connects from \(address), the address of forwarder \"\(name)\" (\(entry)), but presented no certificate of its own, so it cannot be recognised as that forwarder: the request \(what) and \(path) saw no client certificate.",
                    fix: "Make the proxy present its own certificate to certmap (nginx: proxy_ssl_certificate and proxy_ssl_certificate_key; HAProxy: crt on the server line; Caddy: tls_client_auth in the reverse_proxy transport).",
                    evidence: evidence)
            case .subject(let configured, let presented):
                return Diagnosis(kind: .forwarderWrongSubject, headline: headline, title: "forwarder presents another subject",
                    cause: "The peer connects from the address of forwarder \"\(name)\" (\(entry)) but presented \(presented), not the configured subject \(configured); the request \(what) and \(path) was judged on the proxy's own certificate.",
                    fix: "Give the proxy the certificate for \(configured), or correct \(entry).subject if the proxy's certificate changed on purpose. \(noMapping)",
                    evidence: evidence)
            case .issuer(let subject, let caFile):
                return Diagnosis(kind: .forwarderCertificateNotTrusted, headline: headline, title: "forwarder's certificate not from its CA",
                    cause: "The peer presented \(subject), the subject of forwarder \"\(name)\" (\(entry)), but the certificate is not issued by a CA in \(caFile), or is expired, or is itself a CA; it is not believed, the request \(what) and \(path) was judged on the proxy's own certificate.",
                    fix: "Issue the proxy's certificate from a CA in \(caFile) (or add its CA to that file) and check its validity dates. \(noMapping)",
                    evidence: evidence)
            }
        }
    }

    /// A certificate forwarder sent certificate variables but not the certificate.
    static func noCertificateForwarded(_ headers: [String], headline: String, path: String) -> Diagnosis {
        Diagnosis(kind: .forwarderSentNoCertificate, headline: headline, title: "forwarder sent certificate variables, not the certificate",
            cause: "The certificate forwarder sent \(headers.joined(separator: ", ")) but no certificate header, so \(path) saw no client certificate. A subject DN or a verify status names a certificate without proving it: certmap maps only from the whole certificate, validated itself.",
            fix: "Forward the whole certificate: nginx proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert; HAProxy http-request set-header X-SSL-Client-DER %[ssl_c_der,base64]; Envoy forward_client_cert_details with cert; or RFC 9440 Client-Cert. If the header is there but empty, the client presented no certificate to the proxy (check its ssl_verify_client).",
            evidence: headers.map { "received \($0)" })
    }
}
