import CertMapCore
import FuzzSupport

/// Certificate files (`--cert FILE`, `mappings add`, the CA bundle): PEM bundles or one DER
/// certificate, through `CertificateLoader.certificates(from:source:)`, then everything certmap
/// reads or prints about a certificate it loaded (names, SANs, EKUs, rule values, the mapping
/// rules of the demo configuration evaluated against it). Errors must name the source.
private let rules: [MappingRule] = [
    MappingRule(field: .subject, subfield: .organization, match: "Contoso"),
    MappingRule(field: .subject, subfield: .organizationalUnit, match: "Eng*ring", caseSensitive: true),
    MappingRule(field: .issuer, subfield: .commonName, match: "*Issuing CA"),
    MappingRule(field: .subject, subfield: .commonName, match: "*"),
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let certificates: [CertificateIdentity]
    do {
        certificates = try CertificateLoader.certificates(from: Fuzz.bytes(data, size), source: "fuzz.pem")
    } catch let error as CertificateLoadError {
        Fuzz.check(error.description.hasPrefix("fuzz.pem"), "the error does not name the file: \(error)")
        return 0
    } catch {
        Fuzz.check(false, "not a CertificateLoadError: \(type(of: error)) \(error)")
        return 0
    }
    Fuzz.check(!certificates.isEmpty, "no error and no certificate")
    for identity in certificates {
        _ = identity.summary
        _ = identity.subject.rfc2253 + identity.subject.opensslRFC2253 + identity.issuer.rfc2253 + identity.subject.commonName
        _ = identity.serialNumber + identity.sha1.colonHex + identity.sha256.hex
        _ = identity.subjectAlternativeNames.map(\.description)
        _ = identity.extendedKeyUsages
        _ = identity.isCertificateAuthority
        _ = (identity.notValidBefore, identity.notValidAfter)
        for field in CertificateField.allCases {
            for subfield in CertificateSubfield.allCases {
                _ = identity.values(of: subfield, in: field)
                _ = identity.ruleValues(of: subfield, in: field)
            }
        }
        for rule in rules { _ = rule.evaluate(identity) }
    }
    return 0
}
