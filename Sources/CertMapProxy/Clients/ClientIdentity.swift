import CertMapCore
import Foundation

/// Who a synthetic client is: a credential in the demo PKI directory (`<home>/pki/NAME.crt` and
/// `NAME.key`: the demo users, the generated load users), or nobody (no client certificate).
///
/// Only files are named here, never key material: the TLS layer loads them when the client
/// connects, and the same identity can be written into a plan, a scenario or a replay.
public struct ClientIdentity: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public let certificate: URL?
    public let key: URL?

    public init(name: String, certificate: URL?, key: URL?) {
        self.name = name
        self.certificate = certificate
        self.key = key
    }

    /// No client certificate.
    public static let none = ClientIdentity(name: "none", certificate: nil, key: nil)

    /// `alice` → `<pki>/alice.crt` and `alice.key`; `none` → no certificate.
    public static func demo(_ name: String, pki: URL) -> ClientIdentity {
        guard name != "none" else { return .none }
        return ClientIdentity(name: name, certificate: pki.appendingPathComponent("\(name).crt"), key: pki.appendingPathComponent("\(name).key"))
    }

    /// Whether the certificate and key files exist (always true for `none`).
    public var isAvailable: Bool {
        [certificate, key].compactMap { $0 }.allSatisfy { FileManager.default.fileExists(atPath: $0.path) }
    }

    public var description: String { name }
}
