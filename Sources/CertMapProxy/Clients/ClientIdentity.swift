import CertMapCore
import Foundation

/// Who a synthetic client is: a demo PKI user (certificate and key files in `<home>/pki`), or
/// nobody (no client certificate).
public struct ClientIdentity: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public let certificate: URL?
    public let key: URL?

    public init(name: String, certificate: URL?, key: URL?) {
        self.name = name
        self.certificate = certificate
        self.key = key
    }

    /// `alice` → `<pki>/alice.crt` and `alice.key`; `none` → no certificate.
    public static func demo(_ name: String, pki: URL) -> ClientIdentity {
        guard name != "none" else { return ClientIdentity(name: "none", certificate: nil, key: nil) }
        return ClientIdentity(name: name, certificate: pki.appendingPathComponent("\(name).crt"), key: pki.appendingPathComponent("\(name).key"))
    }

    public var description: String { name }
}

/// One request a synthetic client sends.
public struct PlannedRequest: Hashable, Sendable {
    public var method: String
    public var path: String
    /// Extra headers, e.g. a forged `Client-Cert` for the header-spoofing scenario.
    public var headers: [String: String]
    /// How long to wait before sending it (replay at recorded pace), on top of the plan's think time.
    public var delay: Duration

    public init(method: String = "GET", path: String, headers: [String: String] = [:], delay: Duration = .zero) {
        self.method = method
        self.path = path
        self.headers = headers
        self.delay = delay
    }
}

/// One kept-alive connection of a synthetic client: who, which route, which requests in order.
/// Replay and scenarios describe traffic with these.
public struct ConnectionPlan: Hashable, Sendable {
    public var identity: ClientIdentity
    public var route: ClientRoute
    public var requests: [PlannedRequest]
    /// Pause between requests on the connection.
    public var thinkTime: Duration

    public init(identity: ClientIdentity, route: ClientRoute, requests: [PlannedRequest], thinkTime: Duration = .zero) {
        self.identity = identity
        self.route = route
        self.requests = requests
        self.thinkTime = thinkTime
    }
}

/// What one request got back (or why it got nothing).
public struct RequestOutcome: Hashable, Sendable {
    public let request: PlannedRequest
    public let status: Int?
    /// `X-CertMap-Decision` (`200`, `401.2`, ...).
    public let decision: String?
    /// `X-CertMap-Account`.
    public let account: String?
    /// `X-CertMap-Reason` (`allowed`, `legacyResetWithoutRemap`, ...).
    public var reason: String? = nil
    public let traceID: String?
    public let error: String?

    public init(request: PlannedRequest, status: Int?, decision: String?, account: String?, traceID: String?, error: String?) {
        self.request = request
        self.status = status
        self.decision = decision
        self.account = account
        self.traceID = traceID
        self.error = error
    }

    /// `200 alice`, `401.2`, `error: …`.
    public var summary: String {
        if let error { return "error: \(error)" }
        return [decision ?? status.map(String.init) ?? "?", account].compactMap { $0 }.joined(separator: " ")
    }
}

/// Where the synthetic clients connect for each route.
public struct ClientEndpoints: Hashable, Sendable {
    public var server: ListenAddress
    public var forwardProxy: ListenAddress?
    public var reverseProxy: ListenAddress?
    public var caBundle: URL

    public init(server: ListenAddress, forwardProxy: ListenAddress?, reverseProxy: ListenAddress?, caBundle: URL) {
        self.server = server
        self.forwardProxy = forwardProxy
        self.reverseProxy = reverseProxy
        self.caBundle = caBundle
    }
}
