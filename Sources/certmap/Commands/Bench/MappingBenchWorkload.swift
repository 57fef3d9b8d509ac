import CertMapCore
import Crypto
import Foundation
import X509

/// Synthetic mappings and real certificates for `certmap bench mapping`.
///
/// Many-to-one mapping `i` is exact (`CN = user-i`), prefix (`CN = svc-i-*`) or suffix
/// (`SAN.email = *@team-i.example`) by `i % 3`, each AND-ed with `O = Contoso`; one-to-one
/// mappings have distinct synthetic fingerprints plus one real certificate. The certificates
/// decided cycle through: a one-to-one hit, each kind of many-to-one hit, and a certificate that
/// matches nothing (the worst case: every candidate tried, then 401.2).
struct MappingBenchWorkload {
    private let identities: [CertificateIdentity]
    /// What each certificate in `identities` exercises, for the per-certificate medians.
    static let certificateKinds = ["one-to-one hit", "exact many-to-one", "prefix many-to-one", "suffix many-to-one", "no match (401.2)"]
    /// The last column: the certificate that matches nothing, decided by an engine that has not
    /// refused it before, so its near misses are searched (the kinds above repeat, and a repeated
    /// refusal finds them remembered).
    static let firstRefusal = "no match, first time"

    init() throws {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let now = Date()
        let issuer = try CertificateIssuer.selfSignedRoot(
            subject: try SubjectParser.parse("/O=Bench/CN=Bench CA"), key: key,
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86_400)
        )
        func person(_ commonName: String, email: String?) throws -> CertificateIdentity {
            let leafKey = P256.Signing.PrivateKey()
            let profile = LeafCertificateProfile.user(
                subject: try SubjectParser.parse("/C=US/O=Contoso/OU=Bench/CN=\(commonName)"), email: email,
                notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86_400)
            )
            return try CertificateIdentity(certificate: issuer.issueLeaf(profile, publicKey: .init(leafKey.publicKey)))
        }
        identities = [
            try person("laptop", email: nil),
            try person("user-300", email: nil),
            try person("svc-301-backup", email: nil),
            try person("erin", email: "erin@team-302.example"),
            try person("stranger", email: "nobody@elsewhere.example"),
        ]
    }

    func measure(oneToOne: Int, manyToOne: Int, decisions: Int) -> MappingBenchResult {
        let clock = ContinuousClock()
        let started = clock.now
        let index = MappingIndex(oneToOne: oneToOneMappings(count: oneToOne), manyToOne: manyToOneMappings(count: manyToOne))
        let engine = DecisionEngine(
            mappings: index,
            policy: AccessPolicy(accounts: [Account(name: "laptop")] + (0..<manyToOne).map { Account(name: "account-\($0)") }, resources: []),
            generation: 1
        )
        let build = clock.now - started
        let check = CertificateCheck(verdict: .valid, notes: [])
        let requests = identities.map { AuthenticationRequest(path: "/", certificate: $0, check: check) }
        var samples: [Duration] = []
        samples.reserveCapacity(decisions)
        var samplesByKind = [[Duration]](repeating: [], count: requests.count)
        var allowed = 0
        let total = clock.measure {
            for round in 0..<decisions {
                let request = requests[round % requests.count]
                let begin = clock.now
                let decision = engine.decide(request)
                let elapsed = clock.now - begin
                samples.append(elapsed)
                samplesByKind[round % requests.count].append(elapsed)
                if decision.isAllowed { allowed += 1 }
            }
        }
        precondition(allowed > 0, "the workload must map some certificates")
        var firstRefusals: [Duration] = []
        for _ in 0..<max(1, min(decisions / 100, 500)) {
            let fresh = DecisionEngine(mappings: index, policy: engine.policy, generation: 1)
            let request = requests[requests.count - 1]
            let begin = clock.now
            _ = fresh.decide(request)
            firstRefusals.append(clock.now - begin)
        }
        firstRefusals.sort()
        samples.sort()
        func micros(_ duration: Duration) -> Double {
            Double(duration.components.seconds) * 1_000_000 + Double(duration.components.attoseconds) / 1e12
        }
        return MappingBenchResult(
            oneToOne: oneToOne, manyToOne: manyToOne,
            buildMilliseconds: micros(build) / 1000,
            medianMicroseconds: micros(samples[samples.count / 2]),
            p99Microseconds: micros(samples[samples.count * 99 / 100]),
            maxMicroseconds: micros(samples[samples.count - 1]),
            decisionsPerSecond: Double(decisions) / (micros(total) / 1_000_000),
            medianByCertificate: Dictionary(
                uniqueKeysWithValues: zip(Self.certificateKinds, samplesByKind.map { micros($0.sorted()[$0.count / 2]) })
            ).merging([Self.firstRefusal: micros(firstRefusals[firstRefusals.count / 2])]) { first, _ in first }
        )
    }

    private func oneToOneMappings(count: Int) -> [OneToOneMapping] {
        var mappings = (0..<count).map { i -> OneToOneMapping in
            var bytes = [UInt8](repeating: 0x5A, count: 32)
            withUnsafeBytes(of: UInt64(i).bigEndian) { bytes.replaceSubrange(0..<8, with: $0) }
            return OneToOneMapping(name: "o\(i)", account: "account-o\(i)", fingerprint: Fingerprint(bytes: bytes))
        }
        mappings[count / 2] = OneToOneMapping(name: "laptop", account: "laptop", fingerprint: identities[0].sha256)
        return mappings
    }

    private func manyToOneMappings(count: Int) -> [ManyToOneMapping] {
        (0..<count).map { i in
            let criterion: MappingRule
            switch i % 3 {
            case 0: criterion = MappingRule(field: .subject, subfield: .commonName, match: "user-\(i)")
            case 1: criterion = MappingRule(field: .subject, subfield: .commonName, match: "svc-\(i)-*")
            default: criterion = MappingRule(field: .subject, subfield: .sanEmail, match: "*@team-\(i).example")
            }
            return ManyToOneMapping(name: "m\(i)", account: "account-\(i)", rules: [criterion, MappingRule(field: .subject, subfield: .organization, match: "Contoso")])
        }
    }
}
