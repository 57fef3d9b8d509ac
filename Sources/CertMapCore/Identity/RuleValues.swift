/// The values of one subfield of one certificate (`subject.CN`, `SAN.email`, ...), prepared once
/// per certificate in every form a many-to-one rule or the mapping index compares.
///
/// Normalising is the expensive part of matching (NFC through Foundation, then lower-casing), and
/// a decision compares the same few values against several rules and index buckets; doing it when
/// the certificate is parsed keeps it out of the per-request path (the decision benchmark spent a
/// fifth of its time here before).
public struct RuleValues: Hashable, Sendable {
    /// As read from the certificate, for traces (`matches "alice"`).
    public let raw: [String]
    /// NFC-normalised UTF-8: what case-sensitive patterns compare.
    let composed: [[UInt8]]
    /// NFC-normalised and lower-cased: what case-insensitive patterns compare and index keys use.
    let folded: [String]
    let foldedUTF8: [[UInt8]]

    init(_ raw: [String]) {
        self.raw = raw
        self.composed = raw.map { Array(WildcardPattern.normalise($0, caseSensitive: true).utf8) }
        self.folded = raw.map { WildcardPattern.normalise($0, caseSensitive: false) }
        self.foldedUTF8 = folded.map { Array($0.utf8) }
    }

    static let empty = RuleValues([])

    /// The prepared bytes `pattern` compares against.
    func normalised(for pattern: WildcardPattern) -> [[UInt8]] {
        pattern.isCaseSensitive ? composed : foldedUTF8
    }
}

/// `RuleValues` for every field and subfield of one certificate, in a flat table.
struct RuleValueTable: Hashable, Sendable {
    private let entries: [RuleValues]

    init(subject: CertificateName, issuer: CertificateName, subjectAlternativeNames: [SubjectAlternativeName]) {
        var entries = [RuleValues](repeating: .empty, count: Self.slotCount)
        for field in CertificateField.allCases {
            let name = field == .subject ? subject : issuer
            for subfield in CertificateSubfield.allCases {
                let values: [String]
                switch (field, subfield) {
                case (.subject, .sanEmail):
                    values = subjectAlternativeNames.compactMap { if case .email(let value) = $0 { value } else { nil } }
                case (.subject, .sanDNS):
                    values = subjectAlternativeNames.compactMap { if case .dns(let value) = $0 { value } else { nil } }
                case (.issuer, .sanEmail), (.issuer, .sanDNS):
                    values = []
                case (_, let subfield):
                    values = subfield.nameSubfield.map { name.values(of: $0) } ?? []
                }
                if !values.isEmpty { entries[Self.slot(subfield, field)] = RuleValues(values) }
            }
        }
        self.entries = entries
    }

    subscript(subfield: CertificateSubfield, field: CertificateField) -> RuleValues {
        entries[Self.slot(subfield, field)]
    }

    private static let slotCount = CertificateField.allCases.count * CertificateSubfield.allCases.count

    private static func slot(_ subfield: CertificateSubfield, _ field: CertificateField) -> Int {
        let column: Int
        switch subfield {
        case .commonName: column = 0
        case .organization: column = 1
        case .organizationalUnit: column = 2
        case .locality: column = 3
        case .state: column = 4
        case .country: column = 5
        case .email: column = 6
        case .sanEmail: column = 7
        case .sanDNS: column = 8
        }
        return (field == .subject ? 0 : 9) + column
    }
}
