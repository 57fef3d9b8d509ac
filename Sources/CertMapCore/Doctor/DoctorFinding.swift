/// One thing `certmap doctor` found in a deployment, with the fix: what a person reads, one line
/// each, and what `--json` and the console's start-up messages carry.
public struct DoctorFinding: Hashable, Sendable, Codable, CustomStringConvertible {
    /// How bad it is: an error makes `certmap doctor` exit 1.
    public enum Severity: String, Hashable, Sendable, Codable, Comparable {
        case error, warning, note

        private var rank: Int {
            switch self {
            case .error: return 0
            case .warning: return 1
            case .note: return 2
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    public let severity: Severity
    /// What was checked: `server certificate`, `CA bundle`, `CRL`, `forwarder`, `clock`, `mappings`, `resources`.
    public let area: String
    public let message: String
    public let fix: String?

    public init(_ severity: Severity, _ area: String, _ message: String, fix: String? = nil) {
        self.severity = severity
        self.area = area
        self.message = message
        self.fix = fix
    }

    /// `error    server certificate: … — fix: …`.
    public var description: String {
        let label = severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
        return "\(label) \(area): \(message)" + (fix.map { " — fix: \($0)" } ?? "")
    }
}
