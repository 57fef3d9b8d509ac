/// The stages of the per-request authentication pipeline, in the order they run (docs/design.md §5).
public enum TraceStage: String, Hashable, Sendable, Codable, CaseIterable {
    case reset, source, validate, map, authorize, respond
}

/// How one trace step turned out.
public enum TraceOutcome: String, Hashable, Sendable, Codable {
    case passed, failed, skipped, info
}

/// One line of evidence under a step: a rule tried, a chain link checked.
public struct TraceDetail: Hashable, Sendable, Codable {
    public let outcome: TraceOutcome
    public let text: String

    public init(_ outcome: TraceOutcome, _ text: String) {
        self.outcome = outcome
        self.text = text
    }
}

/// One step of a decision: what was checked and what came of it.
public struct TraceStep: Hashable, Sendable, Codable {
    public let stage: TraceStage
    public let outcome: TraceOutcome
    public let summary: String
    public let details: [TraceDetail]

    public init(stage: TraceStage, outcome: TraceOutcome, summary: String, details: [TraceDetail] = []) {
        self.stage = stage
        self.outcome = outcome
        self.summary = summary
        self.details = details
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

    public mutating func record(_ stage: TraceStage, _ outcome: TraceOutcome, _ summary: String, details: [TraceDetail] = []) {
        steps.append(TraceStep(stage: stage, outcome: outcome, summary: summary, details: details))
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
