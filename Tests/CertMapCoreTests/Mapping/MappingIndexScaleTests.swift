import XCTest

@testable import CertMapCore

/// The compiled index at the size docs/design.md §4 promises (100k one-to-one, 10k many-to-one): decisions
/// stay right and only a handful of many-to-one mappings are tried per certificate. No timings
/// are asserted; the candidate count is the property that keeps decisions fast.
final class MappingIndexScaleTests: XCTestCase {
    private static let oneToOneCount = 100_000
    private static let manyToOneCount = 10_000

    /// Mapping `i` is exact (`CN = user-i`), prefix (`CN = svc-i-*`) or suffix
    /// (`SAN.email = *@team-i.x.example`) by `i % 3`, each with an `O = Contoso` rule too.
    private static func manyToOneMappings() -> [ManyToOneMapping] {
        (0..<manyToOneCount).map { i in
            let criterion: MappingRule
            switch i % 3 {
            case 0: criterion = MappingRule(field: .subject, subfield: .commonName, match: "user-\(i)")
            case 1: criterion = MappingRule(field: .subject, subfield: .commonName, match: "svc-\(i)-*")
            default: criterion = MappingRule(field: .subject, subfield: .sanEmail, match: "*@team-\(i).x.example")
            }
            return ManyToOneMapping(
                name: "m\(i)",
                account: "account-\(i)",
                rules: [criterion, MappingRule(field: .subject, subfield: .organization, match: "Contoso")]
            )
        }
    }

    /// 100k one-to-one mappings with distinct synthetic fingerprints, plus the given real ones.
    private static func oneToOneMappings(inserting real: [(Int, OneToOneMapping)]) -> [OneToOneMapping] {
        var mappings = (0..<oneToOneCount).map { i -> OneToOneMapping in
            var bytes = [UInt8](repeating: 0xA5, count: 32)
            withUnsafeBytes(of: UInt64(i).bigEndian) { bytes.replaceSubrange(0..<8, with: $0) }
            return OneToOneMapping(name: "o\(i)", account: "account-o\(i)", fingerprint: Fingerprint(bytes: bytes))
        }
        for (position, mapping) in real { mappings[position] = mapping }
        return mappings
    }

    /// "many-to-one: N of M mappings can match ..." → N.
    private func candidateCount(_ decision: Decision, file: StaticString = #filePath, line: UInt = #line) -> Int? {
        let summary = decision.mapSummaries.first { $0.hasPrefix("many-to-one: ") }
        let words = summary?.split(separator: " ") ?? []
        XCTAssertEqual(words.count > 4 ? String(words[3]) : nil, "\(Self.manyToOneCount)", "M in \(summary ?? "nil")", file: file, line: line)
        return words.count > 1 ? Int(words[1]) : nil
    }

    func testDecisionsStayRightAndNarrowWith100kOneToOneAnd10kManyToOne() throws {
        let laptop = try TestCertificates.person("alice")
        let user = try TestCertificates.person("user-3000")
        let service = try TestCertificates.person("svc-3001-backup")
        let teamMember = try TestCertificates.person("erin", emails: ["erin@team-3002.x.example"])
        let stranger = try TestCertificates.person("svc-999999-nobody", emails: ["nobody@elsewhere.example"])
        let wrongOrganization = try TestCertificates.person("user-3000", organization: "Fabrikam")

        let manyToOne = Self.manyToOneMappings()
        let oneToOne = Self.oneToOneMappings(inserting: [
            (54_321, OneToOneMapping(name: "alice laptop", account: "alice", fingerprint: laptop.sha256))
        ])
        let accounts = [Account(name: "alice")] + (0..<Self.manyToOneCount).map { Account(name: "account-\($0)") }
        let engine = DecisionEngine(
            mappings: MappingIndex(oneToOne: oneToOne, manyToOne: manyToOne),
            policy: AccessPolicy(accounts: accounts, resources: []),
            generation: 1
        )

        let byLaptop = engine.decide(laptop)
        XCTAssertEqual(byLaptop.account, "alice")
        XCTAssertEqual(byLaptop.mapping, #"one-to-one "alice laptop""#)

        for (identity, expected) in [(user, "m3000"), (service, "m3001"), (teamMember, "m3002")] {
            let decision = engine.decide(identity)
            XCTAssertEqual(decision.reason, .allowed, identity.subject.rfc2253)
            XCTAssertEqual(decision.mapping, "many-to-one \"\(expected)\"")
            XCTAssertEqual(decision.account, "account-\(expected.dropFirst())")
            let candidates = try XCTUnwrap(candidateCount(decision))
            XCTAssertGreaterThanOrEqual(candidates, 1)
            XCTAssertLessThan(candidates, 10, "\(identity.subject.rfc2253) made the index try \(candidates) mappings")
            XCTAssertLessThan(decision.trace.steps(in: .map).count, 12)
        }

        let unmapped = engine.decide(stranger)
        XCTAssertEqual(unmapped.reason, .notMapped)
        XCTAssertEqual(candidateCount(unmapped), 0)

        let rejected = engine.decide(wrongOrganization)
        XCTAssertEqual(rejected.reason, .notMapped)
        XCTAssertEqual(candidateCount(rejected), 1)
        XCTAssertEqual(
            rejected.trace.steps(in: .map)[2].details.map(\.text),
            [#"subject.CN = "user-3000": matches "user-3000""#, #"subject.O = "Contoso": no match for "Fabrikam""#]
        )
    }

    func testManyToOneIndexPutsEveryAnchoredMappingInABucket() throws {
        let index = ManyToOneIndex(Self.manyToOneMappings())
        XCTAssertEqual(index.fallback, [])
        XCTAssertEqual(index.bucketedCount, Self.manyToOneCount)
        XCTAssertEqual(index.candidates(for: try TestCertificates.person("svc-7-x")), [7])
        XCTAssertEqual(index.candidates(for: try TestCertificates.person("USER-9", emails: ["a@TEAM-8.x.example"])), [8, 9])
    }
}
