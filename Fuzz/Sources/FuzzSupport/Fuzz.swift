import CertMapCore
import Foundation

/// What every fuzz target shares: the input as bytes or text, property checks that stop the run
/// like a crash does, and two fixed demo certificates (public parts only) to decide against.
public enum Fuzz {
    /// A broken invariant: reported by libFuzzer as a crash (SIGILL from the trap), with the input saved.
    public static func check(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
        if !condition { fatalError("fuzz property violated: \(message())", file: file, line: line) }
    }

    /// The input as an array (`size` may be 0).
    public static func bytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
        Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// The input as text, invalid UTF-8 replaced by U+FFFD, as a server sees lossily decoded bytes.
    public static func text(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// The demo user alice (`certmap pki init`): `E=alice@contoso.example,CN=alice,OU=Engineering,O=Contoso,C=US`.
    public static let alice: CertificateIdentity = certificate(alicePEM)
    /// The demo issuing CA, which issued alice and signs the demo CRL.
    public static let issuingCA: CertificateIdentity = certificate(issuingCAPEM)

    private static func certificate(_ pem: String) -> CertificateIdentity {
        do {
            return try CertificateLoader.certificates(from: Array(pem.utf8), source: "FuzzSupport")[0]
        } catch {
            fatalError("the embedded demo certificate does not load: \(error)")
        }
    }

    static let alicePEM = """
-----BEGIN CERTIFICATE-----
MIICQDCCAeagAwIBAgIVAM0pBc0A91F9uCr3R5rHKU6R7VVPMAoGCCqGSM49BAMC
MDkxFTATBgNVBAoMDENlcnRNYXAgRGVtbzEgMB4GA1UEAwwXQ2VydE1hcCBEZW1v
IElzc3VpbmcgQ0EwHhcNMjYxMjAzMTk0OTI2WhcNMjgxMjAzMTk0OTI2WjBrMQsw
CQYDVQQGEwJVUzEQMA4GA1UECgwHQ29udG9zbzEUMBIGA1UECwwLRW5naW5lZXJp
bmcxDjAMBgNVBAMMBWFsaWNlMSQwIgYJKoZIhvcNAQkBFhVhbGljZUBjb250b3Nv
LmV4YW1wbGUwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARCjPTgT7URfKHXJWir
HumfvTmjtKXEHeAPaG/M+6yILxNm/hzniEW1BUdj3HsoVlo7Q3F21v52z2EOuloP
Fyiao4GYMIGVMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMBMGA1UdJQQM
MAoGCCsGAQUFBwMCMB0GA1UdDgQWBBRx+Q+NHXrAcKrPQ4JOMm/+MCXbjTAfBgNV
HSMEGDAWgBQQNMzpTzebTC6MTGhJ+17vlMKELTAgBgNVHREEGTAXgRVhbGljZUBj
b250b3NvLmV4YW1wbGUwCgYIKoZIzj0EAwIDSAAwRQIgC8gX2mW+bdkfrU2MDMqU
IgaS0bN8VOtsvOlTy3KZhvsCIQCcbTqNyaC5XMRbpC+Tsu3We43sEfVx0RLAKlR5
008xzQ==
-----END CERTIFICATE-----
"""

    static let issuingCAPEM = """
-----BEGIN CERTIFICATE-----
MIIB1jCCAX2gAwIBAgIURZg+fdqCSFlvyu/6tPcqpkPuQx8wCgYIKoZIzj0EAwIw
NjEVMBMGA1UECgwMQ2VydE1hcCBEZW1vMR0wGwYDVQQDDBRDZXJ0TWFwIERlbW8g
Um9vdCBDQTAeFw0yNjA5MDUxOTQ5MjZaFw0zMTEyMDMxOTQ5MjZaMDkxFTATBgNV
BAoMDENlcnRNYXAgRGVtbzEgMB4GA1UEAwwXQ2VydE1hcCBEZW1vIElzc3Vpbmcg
Q0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATLu3tw42lc1NCRkT+rp7VWUsWm
ZALFe8HioQMuz9GDrzxzqMTd+xZ/MvJaf1weCKlzLEKofHtr2jSYImLCFzqso2Yw
ZDASBgNVHRMBAf8ECDAGAQH/AgEAMA4GA1UdDwEB/wQEAwIBBjAdBgNVHQ4EFgQU
EDTM6U83m0wujExoSfte75TChC0wHwYDVR0jBBgwFoAUo+lZaeXC0+4BqvEI2smA
xq6f8mEwCgYIKoZIzj0EAwIDRwAwRAIgPtlwBRYPPCF8JBFtYplYlP6RbK4x0H7i
kWKzb4qWnl0CIEFE9nO0yWaU5M7txjnOJLEU/6YF6CAA/t2Dsqw6Uyz8
-----END CERTIFICATE-----
"""
}
