import Foundation

/// How fast a replay goes: a factor on the recorded spacing of requests (1 = as recorded, 10 =
/// ten times faster) or as fast as answers come (`max`).
public enum ReplaySpeed: Hashable, Sendable, CustomStringConvertible {
    case factor(Double)
    case max

    /// The pace an operator steps through with one key: 1× → 10× → max → 1×.
    public static let presets: [ReplaySpeed] = [.factor(1), .factor(10), .max]

    /// `1`, `10`, `2.5` (a factor above 0 and up to 1000) or `max`.
    public init?(argument: String) {
        if argument == "max" {
            self = .max
        } else if let factor = Double(argument), factor > 0, factor <= 1000 {
            self = .factor(factor)
        } else {
            return nil
        }
    }

    /// How long to wait before a request recorded `gap` seconds after the previous one.
    public func delay(forRecordedGap gap: TimeInterval) -> TimeInterval {
        switch self {
        case .max: return 0
        case .factor(let factor): return Swift.max(0, gap) / factor
        }
    }

    /// The next preset (after a custom factor, the first preset faster than it, else 1×).
    public var next: ReplaySpeed {
        switch self {
        case .max: return .factor(1)
        case .factor(let factor):
            return Self.presets.first { preset in
                if case .factor(let other) = preset { return other > factor }
                return true
            } ?? .max
        }
    }

    /// `1×`, `10×`, `2.5×`, `max`.
    public var description: String {
        switch self {
        case .max: return "max"
        case .factor(let factor):
            return factor == factor.rounded() ? "\(Int(factor))×" : "\(factor)×"
        }
    }
}
