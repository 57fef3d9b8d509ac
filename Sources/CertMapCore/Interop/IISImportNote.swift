/// Something an IIS import could not carry over exactly, located in the source file.
///
/// An import never drops anything silently: every attribute or element certmap does not use, every
/// password left behind and every mapping skipped because it could not be translated safely
/// becomes a note the operator reads before saving. Notes never contain secret values.
public struct IISImportNote: Hashable, Sendable, CustomStringConvertible {
    /// How much the operator should care.
    public enum Kind: String, Hashable, Sendable {
        /// Understood but deliberately not imported (passwords, logon settings, IIS-only flags).
        case notImported = "not imported"
        /// Not recognised at all (typo, newer IIS schema, unrelated configuration).
        case unknown
        /// An element that could not be translated and was skipped as a whole.
        case skipped
        /// Imported, but with a difference worth knowing.
        case info
    }

    public let kind: Kind
    /// XPath-like location, e.g. `/configuration/location[@path='Default Web Site']/…/add[2]/@password (line 14)`.
    public let location: String
    public let message: String

    public init(_ kind: Kind, at location: String, _ message: String) {
        self.kind = kind
        self.location = location
        self.message = message
    }

    public var description: String { "\(kind.rawValue): \(location): \(message)" }
}
