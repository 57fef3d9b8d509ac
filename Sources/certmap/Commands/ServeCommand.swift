import ArgumentParser
import ServiceLifecycle
import CertMapCore
import CertMapJournal
import CertMapProxy
import CertMapServer
import Foundation
import NIOCore
import NIOPosix

/// `certmap serve`: the HTTPS server without the console, printing every event.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTPS server headless and print every event (text, or one JSON object per line).",
        discussion: """
            Every request is authenticated by mapping its client certificate and answered with \
            X-CertMap-Decision (200, 401.2, 403.16, ...), X-CertMap-Account and X-CertMap-Trace. \
            Try: curl --cacert <home>/pki/ca-bundle.pem --cert <home>/pki/alice.crt --key <home>/pki/alice.key https://localhost:8443/ \
            The proxy simulator starts too: a CONNECT proxy (curl --proxy http://127.0.0.1:8080 ... https://localhost:8443/) and a \
            TLS reverse proxy forwarding the client certificate (curl --cert ... https://localhost:9443/); --no-proxies turns them off.
            Events are also recorded as JSON lines in <home>/journal (rotated by size). Changes to \
            <home>/config.json or a trust file by any writer are applied at once (an invalid file is \
            refused and the last good configuration keeps serving); SIGHUP reloads at once. SIGINT or \
            SIGTERM drain it: no new connections, idle ones closed, requests in flight answered with \
            Connection: close (up to 10 s), then the journal is flushed.
            With --upstream URL (or server.gateway.upstream in config.json) certmap runs in front of \
            your application: allowed requests are streamed to it with X-CertMap-Account, -Groups, \
            -Mapping and -Decision (client copies removed); refused ones are answered by certmap and \
            never reach it; an application that cannot be reached gives 502, one that does not answer \
            in time 504. Example: certmap serve --upstream http://127.0.0.1:8000 --no-proxies
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Option(name: .long, help: "Address to listen on (HOST:PORT).")
    var listen: String = "127.0.0.1:8443"

    @Option(name: .long, help: "Authentication persistence: per-request, legacy-iis4 or per-connection (default: the configuration's).")
    var mode: AuthPersistencePreset?

    @Option(name: .long, help: "Event output: text, json (one event per line on stdout) or none (events still reach the journal).")
    var logFormat: LogFormat = .text

    @Flag(name: .long, help: "Do not record events in <home>/journal.")
    var noJournal = false

    @Option(name: .long, help: "Serve Prometheus metrics on this address (HOST:PORT, plain HTTP, GET /metrics).")
    var metrics: String?

    @Option(name: .long, help: "Export a span per request to an OpenTelemetry collector over OTLP/HTTP (e.g. http://127.0.0.1:4318).")
    var otlp: String?

    @Option(name: .long, help: "Where a console attaches (certmap --attach): a Unix socket PATH (default <home>/admin.sock, mode 0600), or HOST:PORT for TLS admitting certificates that map to an account in the admins group.", completion: .file())
    var admin: String?

    @Flag(name: .long, help: "No admin socket.")
    var noAdmin = false

    @OptionGroup var upstreamOptions: UpstreamOptions

    @OptionGroup var proxyOptions: ProxyOptions

    enum LogFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
        /// Nothing on stdout (the journal still records, unless --no-journal): for benchmarks.
        case none
    }

    func validate() throws {
        _ = try ListenAddress(parsing: listen)
        if let metrics { _ = try ListenAddress(parsing: metrics) }
        if let otlp, !(otlp.hasPrefix("http://") || otlp.hasPrefix("https://")) || URL(string: otlp)?.host == nil {
            throw ValidationError("--otlp \"\(otlp)\" is not an http(s) URL such as http://127.0.0.1:4318")
        }
    }

    func run() async throws {
        let shutdownSignals = await ShutdownSignalService.trapping()
        let home = try homeOptions.preparedHome()
        let format = logFormat
        var printer: Task<Void, Never>?
        let stack = try await InProcessStack.start(
            home: home, listen: ListenAddress(parsing: listen), persistence: mode?.flags, recordJournal: !noJournal, upstream: upstreamOptions.url(),
            proxies: { try proxyOptions.settings(upstream: $0) },
            subscribe: { events in printer = EventPrinter(format: format).start(on: events) })
        // Every part started so far, in start order: stopped in reverse, by the service group
        // at shutdown or here when a later part fails to start.
        let printed = printer
        var parts = [StartedPart(description: "server") {
            await stack.stop()
            await printed?.value
        }]
        // Scenarios an attached console starts run here, against this server, and end before it.
        let work = BackgroundWork()
        do {
            if let metrics {
                let writer = stack.journalWriter
                let collector = ServerMetrics(
                    service: stack.service, journalBytes: { writer?.bytesWritten }, journalUnrecorded: { writer?.unrecordedEvents })
                parts.append(StartedPart(description: "metrics collector") { collector.stop() })
                let endpoint = try await MetricsEndpoint.start(metrics: collector, listen: ListenAddress(parsing: metrics), group: stack.group)
                parts.append(StartedPart(description: "metrics endpoint") { await endpoint.stop() })
                stack.events.publish(.system(SystemEvent("Prometheus metrics on http://\(endpoint.boundAddress)/metrics")))
            }
            if let otlp {
                let export: OTLPExport
                do {
                    export = try OTLPExport(endpoint: otlp, events: stack.events)
                } catch {
                    throw CommandFailure("--otlp \(otlp): \(error)")
                }
                parts.append(StartedPart(description: "OTLP export") { await export.stop() })
                stack.events.publish(.system(SystemEvent("OpenTelemetry: a span per request to \(otlp) (OTLP/HTTP)")))
            }
            parts.append(StartedPart(description: "scenarios") { await work.stop() })
            if !noAdmin, let adminServer = try await startAdmin(stack: stack, home: home, work: work) {
                parts.append(StartedPart(description: "admin endpoint") { await adminServer.stop() })
            }
        } catch {
            for part in parts.reversed() { await part.stop() }
            throw error
        }
        // Any writer's change to config.json reaches this server at once (inotify; a slow poll
        // where that is not available); SIGHUP reloads now. SIGTERM and SIGINT drain and stop.
        let services: [any Service] = parts + [ConfigReloadService(watcher: ConfigFileWatcher(service: stack.service)), ShutdownSignalService(events: stack.events, signals: shutdownSignals)]
        try await ServiceGroup.serve(services, deadline: .seconds(30)).run()
    }

    /// The admin endpoint (`--admin`: a socket path, or HOST:PORT for TLS). The default socket is
    /// a convenience: when it cannot be made the server still serves, and says so.
    private func startAdmin(stack: InProcessStack, home: DataHome, work: BackgroundWork) async throws -> AdminServer? {
        let (service, server, group) = (stack.service, stack.server.boundAddress, stack.group)
        let scenarios: @Sendable (String) async -> String = { name in
            await work.run { await ScenarioLauncher.run(name, service: service, server: server, group: group) }
        }
        let path = admin ?? home.url.appendingPathComponent("admin.sock").path
        do {
            if let address = AdminAddress.tcp(path) {
                let started = try await AdminServer.start(service: service, address: address, listen: server.description, group: group, scenarios: scenarios)
                stack.events.publish(.system(SystemEvent("admin endpoint \(started.address) (TLS; accounts in the admins group: certmap --attach \(started.address) --attach-cert FILE --attach-key FILE)")))
                return started
            }
            let started = try await AdminServer.start(service: service, path: path, listen: server.description, group: group, scenarios: scenarios)
            stack.events.publish(.system(SystemEvent("admin socket \(path) (certmap --attach \(path))")))
            return started
        } catch where admin == nil {
            stack.events.publish(.system(SystemEvent("warning: no admin socket, so no console can attach: \(error) (pass --admin PATH, or --no-admin)")))
            return nil
        }
    }
}

extension AuthPersistencePreset: ExpressibleByArgument {}
