import Foundation

/// Events are written as flat JSON objects, one per line in the journal and in
/// `certmap serve --log-format json`: `{"sequence":7,"time":"…","type":"request","request":{…}}`.
/// The `type` names the payload key, so `jq 'select(.type=="request")'` works.
extension CertMapEvent {
    private enum CodingKeys: String, CodingKey {
        case sequence, time, type
        case connectionOpened, connectionClosed, authStep, request, security, system, certificate, proxyHop
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sequence = try container.decode(UInt64.self, forKey: .sequence)
        time = try container.decode(Date.self, forKey: .time)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "connectionOpened": kind = .connectionOpened(try container.decode(ConnectionOpened.self, forKey: .connectionOpened))
        case "connectionClosed": kind = .connectionClosed(try container.decode(ConnectionClosed.self, forKey: .connectionClosed))
        case "authStep": kind = .authStep(try container.decode(AuthStep.self, forKey: .authStep))
        case "request": kind = .request(try container.decode(RequestRecord.self, forKey: .request))
        case "security": kind = .security(try container.decode(SecurityEvent.self, forKey: .security))
        case "system": kind = .system(try container.decode(SystemEvent.self, forKey: .system))
        case "certificate": kind = .certificate(try container.decode(CertificateRecord.self, forKey: .certificate))
        case "proxyHop": kind = .proxyHop(try container.decode(ProxyHop.self, forKey: .proxyHop))
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: "unknown event type \"\(type)\"")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sequence, forKey: .sequence)
        try container.encode(time, forKey: .time)
        switch kind {
        case .connectionOpened(let payload): try container.encode("connectionOpened", forKey: .type); try container.encode(payload, forKey: .connectionOpened)
        case .connectionClosed(let payload): try container.encode("connectionClosed", forKey: .type); try container.encode(payload, forKey: .connectionClosed)
        case .authStep(let payload): try container.encode("authStep", forKey: .type); try container.encode(payload, forKey: .authStep)
        case .request(let payload): try container.encode("request", forKey: .type); try container.encode(payload, forKey: .request)
        case .security(let payload): try container.encode("security", forKey: .type); try container.encode(payload, forKey: .security)
        case .system(let payload): try container.encode("system", forKey: .type); try container.encode(payload, forKey: .system)
        case .certificate(let payload): try container.encode("certificate", forKey: .type); try container.encode(payload, forKey: .certificate)
        case .proxyHop(let payload): try container.encode("proxyHop", forKey: .type); try container.encode(payload, forKey: .proxyHop)
        }
    }
}
