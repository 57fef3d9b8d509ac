import CertMapCore
import Foundation

/// Small, shared ways of showing values.
enum Formatting {
    /// `09:30:02` in the state's time zone (fixed-width, no locale surprises).
    static func clock(_ date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.hour, .minute, .second], from: date)
        return String(format: "%02d:%02d:%02d", c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    /// `2024-05-01 09:30:02 UTC`.
    static func timestamp(_ date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        let zoneName = zone.secondsFromGMT(for: date) == 0 && ["UTC", "GMT"].contains(zone.identifier) ? "UTC" : zone.abbreviation(for: date) ?? zone.identifier
        return String(format: "%04d-%02d-%02d ", c.year ?? 0, c.month ?? 0, c.day ?? 0) + clock(date, in: zone) + " " + zoneName
    }

    /// The role a decision is drawn in: green-ish for success, one colour per failure class.
    static func role(forStatus status: Int) -> StyleRole {
        switch OutcomeMark(status: status) {
        case .ok: return .decisionOK
        case .unauthorized: return .decision401
        case .forbidden, .leaked: return .decision403
        case .other: return .warning
        }
    }

    static func role(for mark: OutcomeMark) -> StyleRole {
        switch mark {
        case .ok: return .decisionOK
        case .unauthorized: return .decision401
        case .forbidden, .leaked: return .decision403
        case .other: return .warning
        }
    }

    static func glyph(for mark: OutcomeMark, _ glyphs: GlyphSet) -> String {
        mark == .ok ? glyphs.ok : glyphs.denied
    }

    /// `1 mapping`, `4 mappings`.
    static func count(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }

    /// `0.4 ms`, `12 ms`.
    static func duration(micros: Int) -> String {
        micros < 10_000 ? String(format: "%.1f ms", Double(micros) / 1000) : "\(micros / 1000) ms"
    }
}
