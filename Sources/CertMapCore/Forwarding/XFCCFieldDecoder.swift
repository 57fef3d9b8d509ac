/// Reads the certificate from the rightmost element of Envoy's `X-Forwarded-Client-Cert`.
///
/// The rightmost element is the one the proxy nearest to us appended, the only hop we trust
/// (earlier elements were written by parties further away, possibly the client). Only `Cert=`
/// (URL-encoded PEM leaf) and `Chain=` (URL-encoded PEM chain, which per Envoy's documentation
/// *includes* the leaf) are read; `Subject=`, `Hash=`, `URI=`, `DNS=` are never mapped from, as a
/// DN string or hash is not a certificate we can validate (docs/design.md §5). An element with `Chain=`
/// but no `Cert=` (Envoy's `set_current_client_cert_details` lets operators pick either) takes
/// the chain's first certificate as the leaf.
enum XFCCFieldDecoder {
    static func decode(_ values: [String], limit: Int) throws(ForwardedHeaderError) -> DecodedCertificates {
        let header = ForwardedCertificateFormat.xfccHeader
        // Repeated lines are one comma-separated list (RFC 9110 §5.3), so the last line's last element wins.
        let joined = values.joined(separator: ",")
        try checkLength(joined, header: header, limit: limit)
        let elements: [XFCCElement]
        do throws(XFCCElement.Failure) {
            elements = try XFCCElement.parse(joined)
        } catch {
            switch error {
            case .unterminatedQuote(let offset): throw .xfccUnterminatedQuote(header: header, offset: offset)
            case .syntax(let offset, let detail): throw .xfccSyntax(header: header, offset: offset, detail: detail)
            }
        }
        guard let element = elements.last else { throw .emptyValue(header: header) }
        let position = XFCCElementPosition(index: elements.count, count: elements.count)

        let cert = try single("Cert", in: element, header: header)
        let chainPair = try single("Chain", in: element, header: header)
        var chain: [CertificateIdentity] = []
        if let chainPair {
            let pem = try CertificateTextDecoding.percentDecode(chainPair.value, header: header)
            chain = try CertificateTextDecoding.certificatesInPEM(pem, header: header)
        }
        if let cert {
            let pem = try CertificateTextDecoding.percentDecode(cert.value, header: header)
            let certificates = try CertificateTextDecoding.certificatesInPEM(pem, header: header)
            guard certificates.count == 1 else { throw .tooManyCertificates(header: header, count: certificates.count) }
            if chain.first == certificates[0] { chain.removeFirst() }
            return DecodedCertificates(leaf: certificates[0], chain: chain, element: position)
        }
        guard !chain.isEmpty else { throw .xfccElementWithoutCertificate(header: header) }
        return DecodedCertificates(leaf: chain[0], chain: Array(chain.dropFirst()), element: position)
    }

    private static func single(_ key: String, in element: XFCCElement, header: String) throws(ForwardedHeaderError) -> XFCCElement.Pair? {
        let pairs = element.pairs(named: key)
        if pairs.count > 1 {
            throw .xfccSyntax(header: header, offset: pairs[1].offset, detail: "\(key)= appears twice in one element")
        }
        return pairs.first
    }
}
