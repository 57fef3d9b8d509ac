import ArgumentParser
import CertMapCore
import CertMapProxy

/// The proxy simulator's flags, shared by the console and `certmap serve`.
struct ProxyOptions: ParsableArguments {
    @Option(name: .long, help: "Where the forward (CONNECT) proxy listens (HOST:PORT); its tunnels reach the server from 127.0.0.2.")
    var forwardProxy: String = "127.0.0.1:8080"

    @Option(name: .long, help: "Where the TLS reverse proxy listens (HOST:PORT); it reaches the server from 127.0.0.3 with the proxy certificate.")
    var reverseProxy: String = "127.0.0.1:9443"

    @Flag(name: .long, help: "Do not start the forward and reverse proxies.")
    var noProxies = false

    @Option(name: .long, help: "Upstream connections of the reverse proxy.")
    var poolSize: Int = 4

    @Option(name: .long, help: "Upstream connection reuse: never (one per request), safe (per client connection) or always (shared by everyone).")
    var reuse: UpstreamReusePolicy = .safe

    @Option(name: .long, help: "How the reverse proxy forwards the client certificate: rfc9440, xfcc, escapedPEM, base64DER or none.")
    var forwardedFormat: String = ForwardedCertificateFormat.rfc9440.rawValue

    func validate() throws {
        _ = try ListenAddress(parsing: forwardProxy)
        _ = try ListenAddress(parsing: reverseProxy)
        guard (1...64).contains(poolSize) else { throw ValidationError("--pool-size must be between 1 and 64 (got \(poolSize))") }
        guard forwardedFormat == "none" || ForwardedCertificateFormat(rawValue: forwardedFormat) != nil else {
            throw ValidationError("--forwarded-format \"\(forwardedFormat)\": expected one of \((ForwardedCertificateFormat.allCases.map(\.rawValue) + ["none"]).joined(separator: ", "))")
        }
    }

    /// The simulator settings in front of `upstream`, or nil with `--no-proxies`.
    func settings(upstream: ListenAddress) throws -> ProxySimulatorSettings? {
        guard !noProxies else { return nil }
        return ProxySimulatorSettings(
            upstream: upstream, forwardListen: try ListenAddress(parsing: forwardProxy), reverseListen: try ListenAddress(parsing: reverseProxy),
            poolSize: poolSize, reuse: reuse, forwardedFormat: ForwardedCertificateFormat(rawValue: forwardedFormat))
    }
}

extension UpstreamReusePolicy: ExpressibleByArgument {}
