import CertMapConsoleParsers
import CertMapCore
import Foundation
import FuzzSupport
import SwiftASN1
import X509

/// The small text parsers of the command line, the console and the configuration. The first
/// byte picks the parser, the rest is lossily decoded UTF-8:
///
/// 0 `RuleSyntax.parse` (`--rule O=Contoso`, the mapping editor); property: `format` is its inverse
/// 1 `SubjectParser.parse` (`pki issue --subject`), then the DN encoded as DER and read back
/// 2 `ThemeParser.parse` (theme files); property: `fileText` parses to the same theme
/// 3 `ListenAddress(parsing:)` (`--listen`)
/// 4 `IPAddress` / `IPAddressRange` (proxiedConnections, certificate forwarder addresses)
/// 5 `Fingerprint(hex:)`, `SerialNumberText.normalized` (pins, revokedSerials)
/// 6 `WildcardPattern` (many-to-one criteria): the first line is the pattern, the rest values
/// 7 `IISSSLFlags.parse`, `IISBoolean` via the flags' text
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Fuzz.bytes(data, size)
    let selector = bytes[0]
    let text = Fuzz.text(bytes.dropFirst())
    switch selector % 8 {
    case 0:
        let caseSensitive = selector & 0x80 != 0
        guard let rule = try? RuleSyntax.parse(text, caseSensitive: caseSensitive) else { break }
        let again = try? RuleSyntax.parse(RuleSyntax.format(rule), caseSensitive: caseSensitive)
        Fuzz.check(again == rule, "RuleSyntax.format(\(rule)) = \(RuleSyntax.format(rule)) does not parse back")
    case 1:
        guard let name = try? SubjectParser.parse(text) else { break }
        _ = SubjectParser.emailAddress(in: name)
        _ = CertificateName(name).rfc2253
        var serializer = DER.Serializer()
        do {
            try serializer.serialize(name)
            _ = try DistinguishedName(derEncoded: DER.parse(serializer.serializedBytes))
        } catch {
            Fuzz.check(false, "the subject \(text) does not survive DER: \(error)")
        }
    case 2:
        guard let theme = try? ThemeParser.parse(text, name: "fuzz") else { break }
        _ = theme.fitted(toColors: 8)
        _ = theme.fitted(toColors: 0)
        let again = try? ThemeParser.parse(theme.fileText, name: "fuzz")
        Fuzz.check(again == theme, "the theme's fileText does not parse back:\n\(theme.fileText)")
    case 3:
        guard let address = try? ListenAddress(parsing: text) else { break }
        _ = address.description
    case 4:
        if let address = IPAddress(text) { _ = address.description }
        if let range = IPAddressRange(text) {
            _ = range.description
            for probe in ["127.0.0.1", "10.1.2.3", "::1", "fe80::1"] {
                if let address = IPAddress(probe) { _ = range.contains(address) }
            }
        }
    case 5:
        if let fingerprint = Fingerprint(hex: text) { _ = fingerprint.colonHex }
        if let serial = SerialNumberText.normalized(text) {
            Fuzz.check(SerialNumberText.normalized(serial) == serial, "normalized is not idempotent on \(serial)")
        }
    case 6:
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for caseSensitive in [false, true] {
            let pattern = WildcardPattern(lines[0], caseSensitive: caseSensitive)
            _ = (pattern.isExact, pattern.indexPrefix, pattern.indexSuffix)
            for value in lines.dropFirst() { _ = pattern.matches(value) }
        }
    default:
        if case .success(let flags) = IISSSLFlags.parse(text) {
            _ = (flags.text, flags.clientCertificatePolicy)
        }
    }
    return 0
}
