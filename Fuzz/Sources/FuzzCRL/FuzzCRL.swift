import CertMapCore
import Foundation
import FuzzSupport
import X509

/// CRL files (`trust.crls`): PEM "X509 CRL" or DER, read the way `TrustConfiguration` loads
/// them, then every field the revocation check reads, the signature check against the demo
/// issuing CA (which signs the demo CRL in the seed corpus), and the byte-exact re-serialisation.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    let crl: CertificateRevocationList
    do {
        if let text = String(bytes: bytes, encoding: .utf8), text.contains("-----BEGIN") {
            crl = try CertificateRevocationList(pemEncoded: text)
        } else {
            crl = try CertificateRevocationList(derEncoded: bytes)
        }
    } catch {
        Fuzz.check(!"\(error)".isEmpty, "an empty error message")
        return 0
    }
    _ = crl.derBytes
    _ = crl.issuer.traceName
    _ = (crl.version, crl.signatureAlgorithm.description, crl.crlNumber, crl.authorityKeyIdentifier)
    _ = crl.isStale(at: Date())
    _ = crl.entry(for: Fuzz.alice.certificate.serialNumber)
    for entry in crl.revokedCertificates {
        _ = (SerialNumberText.hex(entry.serialNumber), entry.reason?.description, entry.revocationDate)
    }
    _ = try? crl.verifySignature(issuer: Fuzz.issuingCA.certificate)
    return 0
}
