/// Reads RFC 9440 `Client-Cert` and `Client-Cert-Chain`.
///
/// RFC 9440 §2.2: `Client-Cert` is a singleton Item whose value is a Byte Sequence of the DER
/// leaf; it "MUST NOT have a list of values or occur multiple times". §2.3: `Client-Cert-Chain` is
/// a List of Byte Sequences, may be split over several lines, excludes the leaf, and must not be
/// sent without `Client-Cert`.
enum RFC9440FieldDecoder {
    static func decode(_ lines: HeaderLines, limit: Int) throws(ForwardedHeaderError) -> DecodedCertificates {
        let certHeader = ForwardedCertificateFormat.clientCertHeader
        let chainHeader = ForwardedCertificateFormat.clientCertChainHeader
        let certValues = lines.values(named: certHeader)
        guard !certValues.isEmpty else { throw .chainWithoutClientCert }
        guard certValues.count == 1 else { throw .clientCertIsList(header: certHeader) }
        try checkLength(certValues[0], header: certHeader, limit: limit)

        let leafBase64: Substring
        do throws(StructuredFieldByteSequences.Failure) {
            leafBase64 = try StructuredFieldByteSequences.item(certValues[0])
        } catch {
            switch error {
            case .listWhereItemExpected: throw .clientCertIsList(header: certHeader)
            case .syntax(let detail): throw .notAByteSequence(header: certHeader, detail: detail)
            }
        }
        let leafDER = try CertificateTextDecoding.base64(leafBase64, header: certHeader)
        let leaf = try CertificateTextDecoding.identity(der: leafDER, header: certHeader)

        let chainValues = lines.values(named: chainHeader)
        guard !chainValues.isEmpty else { return DecodedCertificates(leaf: leaf, chain: []) }
        // Repeated lines form one List (RFC 8941 §4.2: combine with ", ").
        let joined = chainValues.joined(separator: ", ")
        try checkLength(joined, header: chainHeader, limit: limit)
        let members: [Substring]
        do throws(StructuredFieldByteSequences.Failure) {
            members = try StructuredFieldByteSequences.list(joined)
        } catch {
            throw .notAByteSequence(header: chainHeader, detail: error.detail)
        }
        var chain: [CertificateIdentity] = []
        for (number, member) in zip(1..., members) {
            let context = "list member \(number): "
            let der = try CertificateTextDecoding.base64(member, header: chainHeader, context: context)
            chain.append(try CertificateTextDecoding.identity(der: der, header: chainHeader, context: context))
        }
        return DecodedCertificates(leaf: leaf, chain: chain)
    }
}
