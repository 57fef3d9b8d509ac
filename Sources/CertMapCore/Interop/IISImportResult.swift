/// What an IIS configuration file says about client certificates, translated to certmap's
/// configuration entries but not yet merged into a configuration (see `IISImportMerge`).
///
/// Kept separate from the merge so the translation can be tested on its own and so
/// `import iis --dry-run` can show both what the file holds and what would change.
public struct IISImportResult: Hashable, Sendable {
    /// `oneToOneCertificateMappingsEnabled`, when the file sets it.
    public var oneToOneEnabled: Bool?
    /// `manyToOneCertificateMappingsEnabled`, when the file sets it.
    public var manyToOneEnabled: Bool?
    /// Account names the mappings refer to (their `userName`s), in order of first use.
    public var accounts: [String] = []
    public var oneToOne: [OneToOneEntry] = []
    public var manyToOne: [ManyToOneEntry] = []
    public var resources: [IISResourceSetting] = []
    public var notes: [IISImportNote] = []
    /// How many mapping, `access` and `anonymousAuthentication` sections the file has (imported or not).
    public var sectionsRead = 0

    public init() {}
}

/// The client-certificate policy IIS applies at one path (`<access sslFlags>` and
/// `<anonymousAuthentication enabled>` of a `<location>`), as a certmap resource path.
public struct IISResourceSetting: Hashable, Sendable {
    public var path: String
    /// From `sslFlags`; nil when the location only sets anonymous authentication.
    public var clientCertificate: ClientCertificatePolicy?
    /// From `anonymousAuthentication enabled` (own or inherited); nil when the file does not say.
    public var allowAnonymous: Bool?

    public init(path: String, clientCertificate: ClientCertificatePolicy?, allowAnonymous: Bool?) {
        self.path = path
        self.clientCertificate = clientCertificate
        self.allowAnonymous = allowAnonymous
    }
}
