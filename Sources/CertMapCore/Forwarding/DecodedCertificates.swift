/// A leaf and its chain as one format decoder read them, before the parser adds provenance.
struct DecodedCertificates {
    var leaf: CertificateIdentity
    var chain: [CertificateIdentity]
}
