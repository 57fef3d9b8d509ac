/// The stages of the per-request authentication pipeline, in the order they run (docs/design.md §5).
public enum TraceStage: String, Hashable, Sendable, Codable, CaseIterable {
    case reset, source, validate, map, authorize, respond
}

/// How one trace step turned out.
public enum TraceOutcome: String, Hashable, Sendable, Codable {
    case passed, failed, skipped, info
}

/// One line of evidence under a step: a rule tried, a chain link checked.
public struct TraceDetail: Hashable, Sendable {
    public let outcome: TraceOutcome
    /// What the line says, rendered when read (see `TraceMessage`).
    public let message: TraceMessage
    public var text: String { message.text }

    public init(_ outcome: TraceOutcome, _ message: TraceMessage) {
        self.outcome = outcome
        self.message = message
    }

    public init(_ outcome: TraceOutcome, _ text: String) {
        self.init(outcome, .text(text))
    }
}

/// One step of a decision: what was checked and what came of it.
public struct TraceStep: Hashable, Sendable {
    public let stage: TraceStage
    public let outcome: TraceOutcome
    /// What the step says, rendered when read (see `TraceMessage`).
    public let message: TraceMessage
    public let details: [TraceDetail]
    public var summary: String { message.text }

    public init(stage: TraceStage, outcome: TraceOutcome, message: TraceMessage, details: [TraceDetail] = []) {
        self.stage = stage
        self.outcome = outcome
        self.message = message
        self.details = details
    }

    public init(stage: TraceStage, outcome: TraceOutcome, summary: String, details: [TraceDetail] = []) {
        self.init(stage: stage, outcome: outcome, message: .text(summary), details: details)
    }
}

// Journals, HAR and `--json` hold the rendered words, as they always did: the values behind a
// message are for deciding fast, not a storage format.
extension TraceDetail: Codable {
    private enum CodingKeys: String, CodingKey { case outcome, text }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(try container.decode(TraceOutcome.self, forKey: .outcome), try container.decode(String.self, forKey: .text))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(text, forKey: .text)
    }
}

extension TraceStep: Codable {
    private enum CodingKeys: String, CodingKey { case stage, outcome, summary, details }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            stage: try container.decode(TraceStage.self, forKey: .stage), outcome: try container.decode(TraceOutcome.self, forKey: .outcome),
            summary: try container.decode(String.self, forKey: .summary), details: try container.decode([TraceDetail].self, forKey: .details))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(stage, forKey: .stage)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(summary, forKey: .summary)
        try container.encode(details, forKey: .details)
    }
}

/// The evidence behind a decision, step by step, like swift-certificates' verification diagnostics.
///
/// Every decision carries one, so "why did this request get 401?" is answered by reading it:
/// which certificate was used and from where, how its chain was checked, every mapping and rule
/// tried with why it matched or not, and the authorization against the resource.
public struct DecisionTrace: Hashable, Sendable, Codable {
    public private(set) var steps: [TraceStep]

    public init(steps: [TraceStep] = []) {
        self.steps = steps
    }

    /// Makes room for `count` more steps, so a decision's trace grows without reallocating.
    public mutating func reserveCapacity(forAdditionalSteps count: Int) {
        steps.reserveCapacity(steps.count + count)
    }

    /// Appends steps produced elsewhere (the mapping stage's), unchanged.
    public mutating func record(_ recorded: [TraceStep]) {
        steps.append(contentsOf: recorded)
    }

    public mutating func record(_ stage: TraceStage, _ outcome: TraceOutcome, _ message: TraceMessage, details: [TraceDetail] = []) {
        steps.append(TraceStep(stage: stage, outcome: outcome, message: message, details: details))
    }

    public mutating func record(_ stage: TraceStage, _ outcome: TraceOutcome, _ summary: String, details: [TraceDetail] = []) {
        record(stage, outcome, .text(summary), details: details)
    }

    /// The steps of one stage.
    public func steps(in stage: TraceStage) -> [TraceStep] {
        steps.filter { $0.stage == stage }
    }

    /// The trace as indented plain text, one step per line and its details below it.
    public var text: String {
        steps.map { step in
            let head = "\(step.stage.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(step.outcome.symbol) \(step.summary)"
            let body = step.details.map { "            \($0.outcome.symbol) \($0.text)" }
            return ([head] + body).joined(separator: "\n")
        }.joined(separator: "\n")
    }
}

extension TraceOutcome {
    /// A one-character mark for plain-text traces (ASCII so it survives any terminal and log).
    public var symbol: String {
        switch self {
        case .passed: return "+"
        case .failed: return "x"
        case .skipped: return "-"
        case .info: return "."
        }
    }
}
