import Foundation
import X509

/// A subject alternative name in the forms certmap displays and matches.
public enum SubjectAlternativeName: Hashable, Sendable, Codable, CustomStringConvertible {
    case email(String)
    case dns(String)
    case uri(String)
    case ipAddress(String)
    /// Any other general name, described as swift-certificates prints it.
    case other(String)

    init(_ name: GeneralName) {
        switch name {
        case .rfc822Name(let email): self = .email(email)
        case .dnsName(let dns): self = .dns(dns)
        case .uniformResourceIdentifier(let uri): self = .uri(uri)
        case .ipAddress(let octets): self = .ipAddress(Self.format(ip: Array(octets.bytes)))
        default: self = .other(String(describing: name))
        }
    }

    public var description: String {
        switch self {
        case .email(let value): return "email:\(value)"
        case .dns(let value): return "DNS:\(value)"
        case .uri(let value): return "URI:\(value)"
        case .ipAddress(let value): return "IP:\(value)"
        case .other(let value): return value
        }
    }

    private static func format(ip bytes: [UInt8]) -> String {
        if bytes.count == 4 {
            return bytes.map(String.init).joined(separator: ".")
        }
        return ipv6Text(bytes)
    }

    /// RFC 5952 text of a 16-byte IPv6 address (via `inet_ntop`).
    static func ipv6Text(_ bytes: [UInt8]) -> String {
        guard bytes.count == 16 else { return bytes.hexString(separator: ":") }
        var address = in6_addr()
        withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: bytes) }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)) != nil else {
            return bytes.hexString(separator: ":")
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
