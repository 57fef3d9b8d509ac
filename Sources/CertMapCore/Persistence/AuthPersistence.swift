/// When a connection's authentication is reset and whether it is mapped again: IIS's
/// `AuthPersistence` metabase property (IIS 5/6; `authPersistSingleRequest` in IIS 7+), plus the
/// pre-SP4 defect as a switch.
///
/// - `singleRequest`: reset after every request on every connection.
/// - `singleRequestIfProxy`: reset after every request that came through a proxy (IIS 5 default).
/// - `singleRequestAlwaysIfProxy`: once a connection has been seen to be proxied, reset after
///   every later request on it, proxied-looking or not.
/// - `remapAfterReset`: after a reset, map the certificate again (NT4 SP4's fix). `false`
///   reproduces IIS 4.0 before SP4 (KB Q190009): the next request fails with 401.
///
/// Without a reset, the identity mapped on the connection's first successful request is reused
/// for every later request — harmless for a direct TLS connection (one client), an identity leak
/// behind a proxy that pools connections from many users.
public struct AuthPersistence: Hashable, Sendable, Codable, CustomStringConvertible {
    public var singleRequest: Bool
    public var singleRequestIfProxy: Bool
    public var singleRequestAlwaysIfProxy: Bool
    public var remapAfterReset: Bool

    public init(singleRequest: Bool, singleRequestIfProxy: Bool, singleRequestAlwaysIfProxy: Bool, remapAfterReset: Bool) {
        self.singleRequest = singleRequest
        self.singleRequestIfProxy = singleRequestIfProxy
        self.singleRequestAlwaysIfProxy = singleRequestAlwaysIfProxy
        self.remapAfterReset = remapAfterReset
    }

    /// The preset these flags equal, if any.
    public var preset: AuthPersistencePreset? {
        AuthPersistencePreset.allCases.first { $0.flags == self }
    }

    /// `per-request` for a preset, otherwise the flags spelled out.
    public var description: String {
        if let preset { return preset.rawValue }
        let flags = [
            singleRequest ? "singleRequest" : nil,
            singleRequestIfProxy ? "singleRequestIfProxy" : nil,
            singleRequestAlwaysIfProxy ? "singleRequestAlwaysIfProxy" : nil,
            remapAfterReset ? "remapAfterReset" : nil,
        ].compactMap { $0 }
        return "custom(" + (flags.isEmpty ? "none" : flags.joined(separator: ",")) + ")"
    }

    /// The flags `description` spells (`per-request`, `custom(singleRequest,remapAfterReset)`),
    /// or nil: its inverse, for records that hold the mode as text.
    public init?(description: String) {
        if let preset = AuthPersistencePreset(rawValue: description) {
            self = preset.flags
            return
        }
        guard description.hasPrefix("custom("), description.hasSuffix(")") else { return nil }
        let inner = description.dropFirst("custom(".count).dropLast()
        let flags = inner == "none" ? [] : inner.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let known = ["singleRequest", "singleRequestIfProxy", "singleRequestAlwaysIfProxy", "remapAfterReset"]
        guard flags.allSatisfy(known.contains), Set(flags).count == flags.count else { return nil }
        self.init(
            singleRequest: flags.contains("singleRequest"), singleRequestIfProxy: flags.contains("singleRequestIfProxy"),
            singleRequestAlwaysIfProxy: flags.contains("singleRequestAlwaysIfProxy"), remapAfterReset: flags.contains("remapAfterReset"))
        guard self.description == description else { return nil }
    }

    /// Whether authentication is reset after a request, given whether that request was proxied
    /// and whether the connection had been seen to be proxied before.
    public func resetsAfter(requestIsProxied: Bool, connectionSeenProxied: Bool) -> Bool {
        singleRequest || (singleRequestIfProxy && requestIsProxied)
            || (singleRequestAlwaysIfProxy && (requestIsProxied || connectionSeenProxied))
    }
}

/// The three named behaviours operators switch between (`--mode`, the console's `m` key).
public enum AuthPersistencePreset: String, CaseIterable, Hashable, Sendable, Codable {
    /// The fixed behaviour (default): every request is mapped from its own certificate.
    case perRequest = "per-request"
    /// IIS 4.0 before NT4 SP4: direct connections map once; proxied connections are reset after
    /// each request and never re-mapped, so requests 2..n fail with 401 (KB Q190009).
    case legacyIIS4 = "legacy-iis4"
    /// A naive cache: map once per connection and reuse it, even behind a pooling proxy.
    case perConnection = "per-connection"

    public var flags: AuthPersistence {
        switch self {
        case .perRequest:
            return AuthPersistence(singleRequest: true, singleRequestIfProxy: true, singleRequestAlwaysIfProxy: false, remapAfterReset: true)
        case .legacyIIS4:
            return AuthPersistence(singleRequest: false, singleRequestIfProxy: true, singleRequestAlwaysIfProxy: false, remapAfterReset: false)
        case .perConnection:
            return AuthPersistence(singleRequest: false, singleRequestIfProxy: false, singleRequestAlwaysIfProxy: false, remapAfterReset: true)
        }
    }

    /// One line for help texts and the console's mode picker.
    public var summary: String {
        switch self {
        case .perRequest: return "re-map every request from its own certificate (fixed behaviour, NT4 SP4)"
        case .legacyIIS4: return "IIS 4.0 before SP4: proxied connections reset after each request and are not re-mapped (KB Q190009)"
        case .perConnection: return "map once per connection and reuse it, even behind a pooling proxy (identity leak)"
        }
    }
}
