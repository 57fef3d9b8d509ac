/// The authentication a connection carries between requests, and the rule for the next request.
///
/// A pure state machine, one per connection, driven by the server: `plan(requestIsProxied:)`
/// before a request says whether to map afresh, reuse the connection's identity, or fail because
/// an earlier reset was not followed by a re-map; `record(_:requestIsProxied:)` after the
/// response applies `AuthPersistence` to decide whether the identity persists or is reset.
public struct ConnectionAuthentication: Hashable, Sendable {
    /// An identity persisted on the connection.
    public struct Persisted: Hashable, Sendable {
        public let account: String
        public let mapping: String?
        /// The request (1-based) on this connection whose certificate was mapped.
        public let requestIndex: Int
        /// Who it was mapped from, for traces (`CN=alice`).
        public let certificateSubject: String

        public init(account: String, mapping: String?, requestIndex: Int, certificateSubject: String) {
            self.account = account
            self.mapping = mapping
            self.requestIndex = requestIndex
            self.certificateSubject = certificateSubject
        }
    }

    /// What the next request does about authentication.
    public enum Plan: Hashable, Sendable {
        /// Find the certificate, validate and map it.
        case map(why: TraceMessage)
        /// Skip mapping and run as the connection's persisted identity.
        case reuse(Persisted)
        /// Authentication was reset and `remapAfterReset` is off: fail with 401 (Q190009).
        case failAfterReset(resetAfterRequest: Int)
    }

    public let persistence: AuthPersistence
    public private(set) var persisted: Persisted?
    /// The request after which authentication was last reset, if it was.
    public private(set) var resetAfterRequest: Int?
    public private(set) var seenProxied = false
    public private(set) var requestCount = 0

    public init(persistence: AuthPersistence) {
        self.persistence = persistence
    }

    /// Decides how the next request authenticates.
    public func plan() -> Plan {
        if let resetAfterRequest, persisted == nil {
            return persistence.remapAfterReset
                ? .map(why: .remapAfterReset(request: resetAfterRequest))
                : .failAfterReset(resetAfterRequest: resetAfterRequest)
        }
        if let persisted {
            return .reuse(persisted)
        }
        return .map(why: requestCount == 0 ? .firstRequest : .nothingPersisted)
    }

    /// Records a finished request and applies the persistence rules. Returns true when
    /// authentication was reset after it.
    @discardableResult
    public mutating func record(_ decision: Decision, certificateSubject: String?, requestIsProxied: Bool) -> Bool {
        requestCount += 1
        let resets = persistence.resetsAfter(requestIsProxied: requestIsProxied, connectionSeenProxied: seenProxied)
        seenProxied = seenProxied || requestIsProxied
        if resets {
            persisted = nil
            resetAfterRequest = requestCount
            return true
        }
        if persisted == nil, let account = decision.account, decision.isAllowed {
            persisted = Persisted(account: account, mapping: decision.mapping, requestIndex: requestCount, certificateSubject: certificateSubject ?? "?")
        }
        return false
    }
}
