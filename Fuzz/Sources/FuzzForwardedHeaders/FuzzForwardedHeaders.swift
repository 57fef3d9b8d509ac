import CertMapCore
import FuzzSupport

/// Forwarded-certificate headers, as a certificate forwarder's request carries them.
///
/// Input: the first byte picks one of the settings below (all of them reachable from a
/// configuration file); the rest is lossily decoded UTF-8, one header per line, `Name: value`
/// (a line without a colon is a header with an empty value). Property: a decoded certificate
/// re-encoded by `ForwardedCertificateEncoder` in the same format parses back to the same leaf.
private let variants: [ForwardedHeaderSettings] = [
    ForwardedHeaderSettings(),
    ForwardedHeaderSettings(enabledFormats: [.base64DER, .escapedPEM, .xfcc, .rfc9440]),
    ForwardedHeaderSettings(enabledFormats: [.xfcc, .xfcc, .rfc9440, .escapedPEM], maxHeaderValueBytes: 96),
    ForwardedHeaderSettings(enabledFormats: [.escapedPEM, .base64DER], escapedPEMHeader: "X-Cert", base64DERHeader: "x-cert"),
    ForwardedHeaderSettings(enabledFormats: [.base64DER, .rfc9440], base64DERHeader: "Client-Cert"),
    ForwardedHeaderSettings(enabledFormats: []),
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Fuzz.bytes(data, size)
    let settings = variants[Int(bytes[0]) % variants.count]
    let headers = Fuzz.text(bytes.dropFirst()).split(separator: "\n", omittingEmptySubsequences: false).map { line -> (name: String, value: String) in
        guard let colon = line.firstIndex(of: ":") else { return (String(line), "") }
        return (String(line[..<colon]), String(line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }))
    }

    let parser = ForwardedCertificateParser(settings: settings)
    let names = parser.presentHeaderNames(in: headers)
    for name in names { Fuzz.check(parser.isForwardedCertificateHeader(name), "\(name) is listed as present but not recognised") }

    switch parser.parse(headers: headers) {
    case .none:
        break
    case .malformed(let error):
        Fuzz.check(!error.description.isEmpty, "an empty error message")
    case .certificate(let forwarded):
        Fuzz.check(!names.isEmpty, "a certificate from no forwarded-certificate header")
        _ = forwarded.leaf.summary
        _ = forwarded.chain.map(\.subject.rfc2253)
        guard settings.maxHeaderValueBytes == ForwardedHeaderSettings.defaultMaxHeaderValueBytes else { break }
        let single = ForwardedHeaderSettings(
            enabledFormats: [forwarded.format], escapedPEMHeader: settings.escapedPEMHeader, base64DERHeader: settings.base64DERHeader
        )
        let encoded = ForwardedCertificateEncoder(settings: single).headers(format: forwarded.format, leaf: forwarded.leaf.der, chain: forwarded.chain.map(\.der))
        switch ForwardedCertificateParser(settings: single).parse(headers: encoded) {
        case .certificate(let again):
            Fuzz.check(again.leaf == forwarded.leaf, "the re-encoded \(forwarded.format) header gives another leaf")
        case .malformed(.valueTooLong):
            break  // the encoder escapes more than a proxy must, so a value near the limit can grow past it
        case let other:
            Fuzz.check(false, "the re-encoded \(forwarded.format) header does not parse: \(other)")
        }
    }
    return 0
}
