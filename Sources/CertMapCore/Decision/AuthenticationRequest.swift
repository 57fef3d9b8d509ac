/// What the decision engine is asked about one request, after the pipeline found its certificate.
public struct AuthenticationRequest: Sendable {
    /// The request path (query allowed; it is ignored for resource matching).
    public var path: String
    /// The certificate to authenticate with, or nil when none was presented.
    public var certificate: CertificateIdentity?
    /// The validation verdict for `certificate` (required when a certificate is given).
    public var check: CertificateCheck?

    public init(path: String, certificate: CertificateIdentity?, check: CertificateCheck?) {
        self.path = path
        self.certificate = certificate
        self.check = check
    }
}
