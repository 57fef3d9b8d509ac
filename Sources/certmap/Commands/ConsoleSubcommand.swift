import ArgumentParser
import CertMapConsole
import CertMapCore
import CertMapJournal
import CertMapServer
import Foundation
import NIOSSL
import NIOCore
import NIOPosix

/// `certmap` with no subcommand: the console, on an embedded server (docs/design.md §2, §8).
struct ConsoleSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Open the console (the default): live requests, connections, mappings, events.",
        discussion: """
            Starts the HTTPS server on loopback with the data directory's configuration (created \
            with a demo PKI on first use), records events in <home>/journal, and opens the \
            console. Press ? for the keys of the current screen, q to go back or quit.
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Option(name: .long, help: "Address the HTTPS server listens on (HOST:PORT).")
    var listen: String = "127.0.0.1:8443"

    @Option(name: .long, help: "Authentication persistence to start with: per-request, legacy-iis4 or per-connection (default: the configuration's).")
    var mode: AuthPersistencePreset?

    @Option(name: .long, help: "Theme: dark, light, high-contrast, monochrome, or a <name>.theme file in <home>/themes (default: $CERTMAP_THEME, else dark; NO_COLOR forces monochrome).")
    var theme: String?

    @Flag(name: .long, help: "Do not run demo traffic.")
    var noDemo = false

    @Flag(name: .long, help: "Do not record events in <home>/journal.")
    var noJournal = false

    @OptionGroup var upstreamOptions: UpstreamOptions

    @OptionGroup var proxyOptions: ProxyOptions

    @Option(name: .long, help: "Attach to a running certmap serve through its admin socket instead of starting a server (repeat for several; edits go to the first).", completion: .file())
    var attach: [String] = []

    @Option(name: .long, help: "For --attach HOST:PORT (a TLS admin endpoint): the client certificate of an account in the admins group.", completion: .file())
    var attachCert: String?

    @Option(name: .long, help: "For --attach HOST:PORT: the certificate's private key.", completion: .file())
    var attachKey: String?

    @Option(name: .long, help: "For --attach HOST:PORT: the CA bundle that signed the server's certificate (default <home>/pki/ca-bundle.pem).", completion: .file())
    var attachCa: String?

    func validate() throws {
        _ = try ListenAddress(parsing: listen)
        if Set(attach).count != attach.count {
            throw ValidationError("--attach names the same socket twice")
        }
        if attach.contains(where: { AdminAddress.tcp($0) != nil }), attachCert == nil || attachKey == nil {
            throw ValidationError("--attach HOST:PORT is a TLS admin endpoint: give --attach-cert and --attach-key (an account in the server's admins group)")
        }
    }

    func run() async throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw CommandFailure("the console needs a terminal, and standard input or output is not one; run `certmap serve` for the headless server")
        }
        let home = try homeOptions.preparedHome()
        let environment = ProcessInfo.processInfo.environment
        let catalog = ThemeCatalog(directories: [
            home.url.appendingPathComponent("themes"),
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("themes"),
        ])
        let theme = try catalog.resolve(requested: theme, environment: environment)
        if !attach.isEmpty {
            try await runAttached(to: attach, home: home, theme: theme, environment: environment)
            return
        }
        let runtime = try await ConsoleRuntime.start(home: home, listen: ListenAddress(parsing: listen), mode: mode?.flags, journal: !noJournal, upstream: upstreamOptions.url(), proxies: proxyOptions)
        var state = ConsoleState(
            mode: runtime.service.persistence.description, now: Date(), glyphs: .forEnvironment(environment), timeZone: .current)
        ConsoleReducer.apply(.configurationLoaded(runtime.service.configuration.current.document), to: &state)
        let demo: DemoTraffic?
        do {
            demo = noDemo ? nil : try runtime.startDemoTraffic()
        } catch {
            await runtime.stop()
            throw CommandFailure("cannot start the demo traffic: \(error)")
        }
        let driver = ConsoleApplication(service: runtime.service, traffic: demo, scenarios: runtime.scenarioStarter())
        let outcome = await TerminalSession.run(state: state, theme: theme, driver: driver, inbox: runtime.inbox)
        await demo?.stop()
        await runtime.stop()
        try Self.report(outcome)
    }

    /// How the console ended, said the same way whether it ran its own server or was attached.
    private static func report(_ outcome: Result<ConsoleHost.Exit, TerminalUnavailable>) throws {
        switch outcome {
        case .failure(let error):
            throw CommandFailure("\(error)")
        case .success(.stopped(let reason)):
            FileHandle.standardError.write(Data("certmap: stopped (\(reason))\n".utf8))
        case .success(.quit):
            break
        }
    }

    /// The console on a running server: no server, proxies or demo traffic of its own.
    private func runAttached(to paths: [String], home: DataHome, theme: Theme, environment: [String: String]) async throws {
        var tls: NIOSSLContext?
        let endpoints = try paths.map { path -> AdminClient.Endpoint in
            guard let address = AdminAddress.tcp(path) else { return .socket(URL(fileURLWithPath: path).path) }
            if tls == nil { tls = try attachTLS(home: home) }
            return .tls(address, tls!)
        }
        let attached = try await AttachedConsole.start(paths: paths, endpoints: endpoints, home: home)
        var state = ConsoleState(mode: attached.mirror.persistence.description, now: Date(), glyphs: .forEnvironment(environment), timeZone: .current)
        ConsoleReducer.apply(.configurationLoaded(attached.mirror.configuration.current.document), to: &state)
        let outcome = await TerminalSession.run(state: state, theme: theme, driver: AttachedConsoleDriver(attached: attached), inbox: attached.inbox)
        await attached.stop()
        try Self.report(outcome)
    }

    /// The client side of a TLS admin endpoint: the operator's certificate and key, and the CA
    /// bundle the server's certificate must chain to (the server name is not checked: the
    /// address is the operator's own choice).
    private func attachTLS(home: DataHome) throws -> NIOSSLContext {
        guard let attachCert, let attachKey else { throw CommandFailure("--attach HOST:PORT needs --attach-cert and --attach-key") }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .noHostnameVerification
        let ca = attachCa ?? home.pkiDirectory.appendingPathComponent("ca-bundle.pem").path
        do {
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca))
        } catch {
            throw CommandFailure("\(ca): cannot load the CA bundle (\(error))")
        }
        do {
            configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(attachCert).map { .certificate($0) }
        } catch {
            throw CommandFailure("\(attachCert): cannot load the client certificate (\(error))")
        }
        do {
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: attachKey, format: .pem))
        } catch {
            throw CommandFailure("\(attachKey): cannot load the private key (\(error))")
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw CommandFailure("cannot set up TLS for --attach: \(error)")
        }
    }
}
