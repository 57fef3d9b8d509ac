/// Why an openssl-style subject ("/C=US/O=Acme/OU=Ops+CN=zoe") could not be turned into a
/// distinguished name. Each case names the offending component so `certmap pki issue` can say
/// exactly what to fix.
public enum SubjectParseError: Error, CustomStringConvertible, Hashable, Sendable {
    /// The subject does not start with "/".
    case missingLeadingSlash(String)
    /// Two slashes or plus signs with nothing between them.
    case emptyComponent(position: Int)
    /// A component without "=", e.g. "/Acme".
    case missingEquals(component: String)
    /// An attribute name certmap does not know.
    case unknownAttribute(name: String, component: String)
    /// "CN=" with nothing after it.
    case emptyValue(component: String)
    /// A value that its ASN.1 string type cannot hold (country codes, e-mail addresses).
    case invalidValue(component: String, reason: String)

    public var description: String {
        switch self {
        case .missingLeadingSlash(let subject):
            return "subject \"\(subject)\" must start with \"/\", e.g. \"/O=Acme/OU=Ops/CN=zoe\""
        case .emptyComponent(let position):
            return "subject component \(position) is empty; remove the doubled \"/\" or \"+\""
        case .missingEquals(let component):
            return "subject component \"\(component)\" has no \"=\"; write NAME=VALUE"
        case .unknownAttribute(let name, let component):
            return "subject component \"\(component)\": unknown attribute \"\(name)\"; "
                + "use C, ST (or S), L, O, OU, CN, emailAddress (or E)"
        case .emptyValue(let component):
            return "subject component \"\(component)\" has an empty value"
        case .invalidValue(let component, let reason):
            return "subject component \"\(component)\": \(reason)"
        }
    }
}
