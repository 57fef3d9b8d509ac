import Foundation
import SwiftASN1
import X509

/// The result of validating a client certificate chain: a verdict the mapping pipeline turns
/// into an IIS substatus (403.16 untrusted, 403.17 expired / not yet valid, 403.13 revoked),
/// the chain that was validated, and plain-English notes for the decision trace.
///
/// Codable so it can be journaled; the chain is encoded as base64 DER.
public struct ChainValidation: Sendable, Hashable {
    /// What the chain check concluded.
    public enum Verdict: String, Sendable, Hashable, Codable, CaseIterable {
        case valid, untrusted, expired, notYetValid, revoked, revocationUnknown
    }

    public var verdict: Verdict
    /// The validated chain, leaf first, ending at the trust anchor; empty when untrusted.
    public var chain: [Certificate]
    /// One line per step, e.g. "chain: CN=alice → CN=CertMap Demo Issuing CA → CN=CertMap Demo Root CA (trusted anchor)".
    public var notes: [String]
    /// Set when the verdict is `revoked`.
    public var revocation: RevocationFinding?
    /// The specifics of a failing verdict, for the diagnosis.
    public var problem: TrustProblem?

    public init(verdict: Verdict, chain: [Certificate], notes: [String], revocation: RevocationFinding? = nil, problem: TrustProblem? = nil) {
        self.verdict = verdict
        self.chain = chain
        self.notes = notes
        self.revocation = revocation
        self.problem = problem
    }

    /// Whether the certificate may be mapped to an account.
    public var isValid: Bool { verdict == .valid }
}

extension ChainValidation: Codable {
    private enum CodingKeys: String, CodingKey {
        case verdict, chainDER, notes, revocation, problem
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.verdict = try container.decode(Verdict.self, forKey: .verdict)
        self.notes = try container.decode([String].self, forKey: .notes)
        self.revocation = try container.decodeIfPresent(RevocationFinding.self, forKey: .revocation)
        self.problem = try container.decodeIfPresent(TrustProblem.self, forKey: .problem)
        let encoded = try container.decode([String].self, forKey: .chainDER)
        self.chain = try encoded.map { base64 in
            guard let data = Data(base64Encoded: base64) else {
                throw DecodingError.dataCorruptedError(forKey: .chainDER, in: container, debugDescription: "not base64")
            }
            return try Certificate(derEncoded: Array(data))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(verdict, forKey: .verdict)
        try container.encode(notes, forKey: .notes)
        try container.encodeIfPresent(revocation, forKey: .revocation)
        try container.encodeIfPresent(problem, forKey: .problem)
        let encoded = try chain.map { certificate -> String in
            var serializer = DER.Serializer()
            try serializer.serialize(certificate)
            return Data(serializer.serializedBytes).base64EncodedString()
        }
        try container.encode(encoded, forKey: .chainDER)
    }
}
