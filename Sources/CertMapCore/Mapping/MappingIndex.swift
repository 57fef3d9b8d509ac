/// The compiled, immutable form of a mapping configuration that decisions run against.
///
/// Built once per configuration generation. One-to-one mappings sit in a hash table keyed by the
/// certificate's SHA-256; many-to-one mappings sit in a `ManyToOneIndex`. IIS precedence holds:
/// one-to-one first, then many-to-one in order, first match wins; either kind can be switched off.
public struct MappingIndex: Sendable {
    public let oneToOne: [OneToOneMapping]
    public let manyToOne: [ManyToOneMapping]
    public let isOneToOneEnabled: Bool
    public let isManyToOneEnabled: Bool
    private let oneToOneByFingerprint: [Fingerprint: Int]
    /// One-to-one mappings by recorded subject, for recognising renewed certificates.
    private let oneToOneBySubject: [String: [Int]]
    private let manyToOneIndex: ManyToOneIndex

    public init(
        oneToOne: [OneToOneMapping],
        manyToOne: [ManyToOneMapping],
        oneToOneEnabled: Bool = true,
        manyToOneEnabled: Bool = true
    ) {
        self.oneToOne = oneToOne
        self.manyToOne = manyToOne
        self.isOneToOneEnabled = oneToOneEnabled
        self.isManyToOneEnabled = manyToOneEnabled
        var byFingerprint: [Fingerprint: Int] = [:]
        byFingerprint.reserveCapacity(oneToOne.count)
        for (ordinal, mapping) in oneToOne.enumerated() where byFingerprint[mapping.fingerprint] == nil {
            byFingerprint[mapping.fingerprint] = ordinal
        }
        self.oneToOneByFingerprint = byFingerprint
        var bySubject: [String: [Int]] = [:]
        for (ordinal, mapping) in oneToOne.enumerated() {
            if let subject = mapping.subject { bySubject[subject, default: []].append(ordinal) }
        }
        self.oneToOneBySubject = bySubject
        self.manyToOneIndex = ManyToOneIndex(manyToOne)
    }

    /// The one-to-one mappings whose recorded certificate has `subject`.
    public func oneToOne(withSubject subject: String) -> [OneToOneMapping] {
        (oneToOneBySubject[subject] ?? []).map { oneToOne[$0] }
    }

    /// The one-to-one mapping naming exactly this certificate, enabled or not.
    public func oneToOne(for fingerprint: Fingerprint) -> OneToOneMapping? {
        oneToOneByFingerprint[fingerprint].map { oneToOne[$0] }
    }

    /// Maps a certificate to an outcome and the `map` steps of its trace.
    public func map(_ identity: CertificateIdentity) -> (outcome: MappingOutcome, steps: [TraceStep]) {
        var steps: [TraceStep] = []
        if let outcome = mapOneToOne(identity, steps: &steps) {
            return (outcome, steps)
        }
        return (mapManyToOne(identity, steps: &steps), steps)
    }

    private func mapOneToOne(_ identity: CertificateIdentity, steps: inout [TraceStep]) -> MappingOutcome? {
        guard isOneToOneEnabled else {
            steps.append(TraceStep(stage: .map, outcome: .skipped, message: .oneToOneSwitchedOff))
            return nil
        }
        guard let ordinal = oneToOneByFingerprint[identity.sha256] else {
            steps.append(TraceStep(stage: .map, outcome: .info, message: .oneToOneNotFound(sha256: identity.sha256, mappings: oneToOne.count)))
            return nil
        }
        let mapping = oneToOne[ordinal]
        guard mapping.isEnabled else {
            steps.append(TraceStep(stage: .map, outcome: .skipped, message: .oneToOneDisabled(name: mapping.name)))
            return nil
        }
        steps.append(TraceStep(stage: .map, outcome: .passed, message: .oneToOneMatched(name: mapping.name, account: mapping.account)))
        return .oneToOne(mapping)
    }

    private func mapManyToOne(_ identity: CertificateIdentity, steps: inout [TraceStep]) -> MappingOutcome {
        guard isManyToOneEnabled else {
            steps.append(TraceStep(stage: .map, outcome: .skipped, message: .manyToOneSwitchedOff))
            return .notMapped
        }
        let candidates = manyToOneIndex.candidates(for: identity)
        steps.append(TraceStep(stage: .map, outcome: .info, message: .manyToOneCandidates(candidates: candidates.count, mappings: manyToOne.count)))
        for ordinal in candidates {
            let mapping = manyToOne[ordinal]
            let (matched, details) = mapping.evaluate(identity)
            let number = ordinal + 1
            guard matched else {
                steps.append(TraceStep(stage: .map, outcome: .failed, message: .manyToOneNoMatch(number: number, name: mapping.name), details: details))
                continue
            }
            guard mapping.isEnabled else {
                steps.append(TraceStep(stage: .map, outcome: .skipped, message: .manyToOneDisabled(number: number, name: mapping.name), details: details))
                continue
            }
            if mapping.permission == .deny {
                steps.append(TraceStep(stage: .map, outcome: .failed, message: .manyToOneDenies(number: number, name: mapping.name), details: details))
                return .manyToOneDeny(mapping)
            }
            steps.append(TraceStep(stage: .map, outcome: .passed, message: .manyToOneMatched(number: number, name: mapping.name, account: mapping.account), details: details))
            return .manyToOneAllow(mapping)
        }
        steps.append(TraceStep(stage: .map, outcome: .failed, message: .nothingMatched))
        return .notMapped
    }
}
