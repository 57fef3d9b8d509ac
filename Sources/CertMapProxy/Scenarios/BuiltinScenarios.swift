/// The scenarios certmap ships (docs/design.md §6): each reproduces one failure, or proves its absence.
public enum BuiltinScenarios {
    public static let all: [ScenarioDefinition] = [q190009, pooledProxy, headerSpoofing, expiredAndRevoked, mixedLoad, isolation, demo]

    public static let q190009 = ScenarioDefinition(
        name: "q190009", summary: "A browser (alice) fetches a page and its images on one connection through the forward proxy.",
        shows: "legacy-iis4: request 1 is 200, every later request on the tunnel 401.2; per-request: all 200.",
        mode: .legacyIIS4,
        groups: [.init(identities: ["alice"], route: .forward, connections: 2, paths: ["/portal/", "/portal/logo.png", "/portal/style.css", "/portal/app.js", "/portal/photo.jpg"])],
        concurrency: 1, maxRequests: 100, maxDurationSeconds: 30)

    public static let pooledProxy = ScenarioDefinition(
        name: "pooled-proxy", summary: "24 users and alice through the reverse proxy, all on one upstream connection (pool 1, reuse always).",
        shows: "per-connection: users are served as someone else (misattribution, exit 1); per-request: everyone is themselves.",
        mode: .perConnection, poolSize: 1, reuse: .always,
        groups: [.init(identities: ["load", "alice"], route: .reverse, connections: 2, paths: ["/", "/reports"])],
        concurrency: 8, maxRequests: 1_000, maxDurationSeconds: 60, loadUsers: 24)

    public static let headerSpoofing = ScenarioDefinition(
        name: "header-spoofing",
        summary: "Clients without a certificate, unmapped (erin) and mapped (bob) forge alice's certificate in every forwarded-certificate format, on every route: direct, CONNECT tunnel, reverse proxy.",
        shows: "0 forged identities accepted (exit 1 otherwise); each client is judged on its own certificate; one security/spoof event per forged request.",
        mode: .perRequest,
        groups: [ClientRoute.direct, .forward, .reverse].map { route in
            .init(identities: ["none", "erin", "bob"], route: route, connections: 1, paths: ["/"], forge: "alice")
        },
        concurrency: 3, maxRequests: 200, maxDurationSeconds: 30)

    public static let expiredAndRevoked = ScenarioDefinition(
        name: "expired-and-revoked", summary: "Expired, not-yet-valid, revoked and impostor certificates on every route.",
        shows: "403.17, 403.13 and 403.16 everywhere; the forwarded copies are judged exactly like the TLS ones.",
        mode: .perRequest,
        groups: [
            .init(identities: ["expired", "notyet", "revoked", "impostor"], route: .direct, paths: ["/"]),
            .init(identities: ["expired", "notyet", "revoked", "impostor"], route: .forward, paths: ["/"]),
            .init(identities: ["expired", "notyet", "revoked", "impostor"], route: .reverse, paths: ["/"]),
        ],
        concurrency: 4, maxRequests: 100, maxDurationSeconds: 30)

    public static let mixedLoad = ScenarioDefinition(
        name: "mixed-load", summary: "Demo users and 24 load users on all three routes, keep-alive, a few hundred requests.",
        shows: "Counts per decision and route under load; no misattribution in per-request mode.",
        mode: .perRequest, poolSize: 4, reuse: .always,
        groups: [
            .init(identities: ["alice", "bob", "carol", "dave", "erin", "none"], route: .direct, connections: 3, paths: ["/", "/admin/", "/public/"]),
            .init(identities: ["load"], route: .reverse, connections: 3, paths: ["/", "/a", "/b", "/c"]),
            .init(identities: ["alice", "carol"], route: .forward, connections: 3, paths: ["/", "/a", "/b"]),
        ],
        concurrency: 8, maxRequests: 2_000, maxDurationSeconds: 60, loadUsers: 24)

    /// Issue 9's identity-isolation check: 50 users interleaved on the pooled reverse proxy (one
    /// shared upstream connection unless `--pool-size` says otherwise) and through the forward
    /// proxy, up to 100k requests; in `per-request` mode not one answer may carry another's account.
    public static let isolation = ScenarioDefinition(
        name: "isolation", summary: "50 users, up to 100k interleaved requests through the pooled reverse proxy (pool 1, reuse always) and the forward proxy.",
        shows: "per-request: 0 responses with another request's identity (exit 1 otherwise); try --pool-size 4.",
        mode: .perRequest, poolSize: 1, reuse: .always,
        groups: [
            .init(identities: ["load"], route: .reverse, connections: 500, paths: ["/", "/reports", "/a", "/b"]),
            .init(identities: ["load"], route: .forward, connections: 500, paths: ["/", "/c"]),
        ],
        concurrency: 16, maxRequests: 100_000, maxDurationSeconds: 600, loadUsers: 50)

    /// The console's gentle background traffic (one round; the console repeats it while not paused).
    public static let demo = ScenarioDefinition(
        name: "demo", summary: "A direct user, a browser through the forward proxy, users through the pooled reverse proxy.",
        shows: "Live traffic for the console: switch to legacy-iis4 (m) and watch the browser's 401s.",
        groups: [
            .init(identities: ["alice"], route: .direct, paths: ["/", "/reports"], thinkTimeMilliseconds: 300),
            .init(identities: ["carol"], route: .forward, paths: ["/portal/", "/portal/logo.png", "/portal/style.css"], thinkTimeMilliseconds: 200),
            .init(identities: ["bob", "dave", "erin"], route: .reverse, paths: ["/", "/admin/"], thinkTimeMilliseconds: 400),
            .init(identities: ["impostor"], route: .direct, paths: ["/"]),
        ],
        concurrency: 2, ratePerSecond: 5, maxRequests: 50, maxDurationSeconds: 30)
}
