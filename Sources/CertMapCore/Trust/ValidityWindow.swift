import Foundation
import X509

/// Stage 2 of chain validation: is every certificate of an already trusted chain inside its
/// notBefore…notAfter window at the validation time (RFC 5280 §6.1.3 (a)(2))? The notes say
/// which certificate failed, its dates, and how far off the time is, because "expired" alone
/// does not tell an operator whether a clock or a certificate is wrong.
enum ValidityWindow {
    struct Result {
        var verdict: ChainValidation.Verdict?
        var notes: [String]
    }

    static func check(_ chain: [Certificate], at time: Date) -> Result {
        var notes: [String] = []
        var verdict: ChainValidation.Verdict?
        for certificate in chain {
            let name = certificate.subject.traceName
            if time > certificate.notValidAfter {
                notes.append(
                    "validity: \(name) expired \(certificate.notValidAfter.formatted(.iso8601)) "
                        + "(\(duration(time.timeIntervalSince(certificate.notValidAfter))) before validation time)"
                )
                verdict = .expired
            } else if time < certificate.notValidBefore {
                notes.append(
                    "validity: \(name) is not valid until \(certificate.notValidBefore.formatted(.iso8601)) "
                        + "(\(duration(certificate.notValidBefore.timeIntervalSince(time))) after validation time)"
                )
                if verdict == nil { verdict = .notYetValid }
            }
        }
        if verdict == nil {
            notes.append("validity: all \(chain.count) certificates valid at \(time.formatted(.iso8601))")
        }
        return Result(verdict: verdict, notes: notes)
    }

    /// "30 days", "5 hours", "12 minutes" or "40 seconds", rounded to the nearest unit
    /// (certificate times have whole seconds, validation times usually do not).
    static func duration(_ interval: TimeInterval) -> String {
        let seconds = Int(interval.rounded())
        let (size, unit): (Int, String)
        switch seconds {
        case 86_400...: (size, unit) = (86_400, "day")
        case 3_600...: (size, unit) = (3_600, "hour")
        case 60...: (size, unit) = (60, "minute")
        default: (size, unit) = (1, "second")
        }
        let value = (seconds + size / 2) / size
        return "\(value) \(unit)\(value == 1 ? "" : "s")"
    }
}
