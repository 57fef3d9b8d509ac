import CertMapCore
import Foundation

/// How the journal stores one step of a request's trace in its compact record: a number naming
/// a step stored once earlier in the scope (`shared`), a word naming a step made of the
/// request's own numbers (`template`), or the step itself (`inline`, when the scope's table is
/// full).
enum CompactStep: Hashable {
    case shared(Int)
    case template(StepTemplate)
    /// The step's JSON, as `EventJSONWriter.json(of:)` wrote it.
    case inline([UInt8])
}

/// The parts of a request record that the compact form writes as references.
struct CompactRequestParts {
    /// The shared entry holding the request's certificate summary.
    var certificate: Int?
    /// The shared entry holding the decision's facts.
    var facts: Int?
    var steps: [CompactStep]
}

/// Trace steps whose words differ on every request only by the request's own numbers — `request
/// 2 on connection 7: authentication context reset (per-request)` — stored as one word and
/// rendered again from the record when read.
///
/// A step is stored as a template only when the template, rendered from the record, is the very
/// message the server recorded (the same case with the record's own values); anything else is
/// stored as it is, so reading a compact record always gives back the words that were written.
enum StepTemplate: String, CaseIterable {
    /// `request N on connection C: authentication context reset (MODE)`.
    case reset
    /// `authentication was reset after request N-1; remapping the certificate`.
    case remap
    /// `authentication reset after request N (proxied|singleRequest); the next request maps its certificate again`.
    case after
    /// The same, when the next request will not be mapped again (legacy-iis4).
    case afterNoRemap = "after-no-remap"

    /// The template `step` is an instance of for `record`, or nil.
    init?(_ step: TraceStep, in record: RequestRecord) {
        guard step.details.isEmpty, step.outcome == .info else { return nil }
        switch (step.stage, step.message) {
        case (.reset, .requestReset(let request, let connection, let persistence))
        where request == record.request && connection == record.connection && AuthPersistence(description: record.mode) == persistence:
            self = .reset
        case (.source, .remapAfterReset(let request)) where request == record.request - 1:
            self = .remap
        case (.reset, .resetAfterRequest(let request, let proxied, let remaps)) where request == record.request && proxied == record.proxied:
            self = remaps ? .after : .afterNoRemap
        default:
            return nil
        }
    }

    /// The step this template stands for in a record with these values; nil when the record's
    /// mode is not one certmap can spell (a damaged line).
    func step(request: Int, connection: ConnectionID, mode: String, proxied: Bool) -> TraceStep? {
        switch self {
        case .reset:
            guard let persistence = AuthPersistence(description: mode) else { return nil }
            return TraceStep(stage: .reset, outcome: .info, message: .requestReset(request: request, connection: connection, persistence: persistence))
        case .remap:
            return TraceStep(stage: .source, outcome: .info, message: .remapAfterReset(request: request - 1))
        case .after, .afterNoRemap:
            return TraceStep(stage: .reset, outcome: .info, message: .resetAfterRequest(request: request, proxied: proxied, remaps: self == .after))
        }
    }
}
