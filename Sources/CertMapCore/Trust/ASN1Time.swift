import Foundation
import SwiftASN1

/// Conversion between `Date` and the X.509 `Time` CHOICE (RFC 5280 §4.1.2.5 and §5.1.2.4):
/// UTCTime for years 1950–2049, GeneralizedTime otherwise, always to the whole second in UTC.
enum ASN1Time {
    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// Whether `node` is one of the two Time encodings.
    static func isTime(_ node: ASN1Node) -> Bool {
        node.identifier == .utcTime || node.identifier == .generalizedTime
    }

    /// Parses a Time node; `field` names the CRL field in the error message.
    static func parse(_ node: ASN1Node, field: String) throws -> Date {
        do {
            switch node.identifier {
            case .utcTime:
                let time = try UTCTime(derEncoded: node)
                return try date(time.year, time.month, time.day, time.hours, time.minutes, time.seconds, field)
            case .generalizedTime:
                let time = try GeneralizedTime(derEncoded: node)
                let whole = try date(time.year, time.month, time.day, time.hours, time.minutes, time.seconds, field)
                return whole.addingTimeInterval(time.fractionalSeconds)
            default:
                throw CRLError.malformed("CRL: expected UTCTime or GeneralizedTime for \(field), found \(node.identifier)")
            }
        } catch let error as CRLError {
            throw error
        } catch {
            throw CRLError.malformed("CRL: invalid time in \(field): \(error)")
        }
    }

    /// Serialises `date` (truncated to the second) with the encoding RFC 5280 requires.
    static func serialize(_ date: Date, into coder: inout DER.Serializer) throws {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let (year, month, day) = (parts.year!, parts.month!, parts.day!)
        let (hour, minute, second) = (parts.hour!, parts.minute!, parts.second!)
        if (1950..<2050).contains(year) {
            let time = try UTCTime(year: year, month: month, day: day, hours: hour, minutes: minute, seconds: second)
            try coder.serialize(time)
        } else {
            let time = try GeneralizedTime(
                year: year, month: month, day: day, hours: hour, minutes: minute, seconds: second,
                fractionalSeconds: 0
            )
            try coder.serialize(time)
        }
    }

    /// `date` rounded down to the whole second, the precision a Time field can carry.
    static func truncated(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    private static func date(
        _ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int, _ field: String
    ) throws -> Date {
        let parts = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: parts) else {
            throw CRLError.malformed("CRL: impossible date in \(field)")
        }
        return date
    }
}
