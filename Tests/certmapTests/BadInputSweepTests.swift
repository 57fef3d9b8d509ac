import Foundation
import XCTest

/// Issue 20's sweep: bad inputs to every command each give a non-zero exit, one clear line on
/// stderr with none of the implementation's markers, and leave the home as it was.
final class BadInputSweepTests: XCTestCase {
    /// What must never reach a person.
    private static let internalMarkers = [
        "NSCocoaErrorDomain", "NSPOSIXErrorDomain", "Error Domain=", "CodingKeys", "DecodingError", "keyNotFound", "ASN1Error",
        ".swift:", "errno", "bind(descriptor", "(NSCocoa", "UserInfo=", "intValue:", ".tmp", "The operation could not be completed", "Usage:",
    ]

    func testEveryBadInputIsOneClearLineAndChangesNothing() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let home = certmap.home
        let notJSON = home.appendingPathComponent("notes.har")
        try Data("hello".utf8).write(to: notJSON)
        let notHAR = home.appendingPathComponent("object.har")
        try Data(#"{"entries": []}"#.utf8).write(to: notHAR)
        let garbagePEM = home.appendingPathComponent("garbage.pem")
        try Data("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n".utf8).write(to: garbagePEM)
        let listener = try LoopbackListener()
        let busy = "127.0.0.1:\(listener.port)"

        let cases: [(arguments: [String], says: String)] = [
            (["explain", "--cert", "/nonexistent/cert.pem"], "/nonexistent/cert.pem: no such file"),
            (["explain", "--cert", home.path], "is a directory, not a file"),
            (["explain", "--cert", garbagePEM.path], "not a valid X.509 certificate"),
            (["explain", "--cert", certmap.pki.appendingPathComponent("alice.key").path], "no CERTIFICATE block"),
            (["sessions", "import", "/nonexistent/x.har"], "/nonexistent/x.har: no such file"),
            (["sessions", "import", notJSON.path], "not a HAR file written by certmap export har (not valid JSON)"),
            (["sessions", "import", notHAR.path], "missing field \"log\""),
            (["replay", "--dry-run", "--har", notHAR.path], "missing field \"log\""),
            (["serve", "--listen", busy, "--no-proxies"], "\(busy) is already in use; stop the other server or pass --listen"),
            (["serve", "--listen", "127.0.0.1:0", "--forward-proxy", busy], "\(busy) is already in use; stop the other server or pass --forward-proxy"),
            (["mappings", "add", "--cert", "/nonexistent/c.crt", "--account", "alice"], "/nonexistent/c.crt: no such file"),
            (["import", "iis", "/nonexistent/applicationHost.config"], "no such file"),
            (["foo"], "unknown command \"foo\"; the commands are console, serve"),
            (["console"], "the console needs a terminal"),
            (["serve", "--upstream", "localhost:8000"], "\"localhost:8000\" is not an upstream URL: it needs a scheme, e.g. http://localhost:8000"),
            (["doctor", "--forwarder-cert", "/nonexistent/proxy.crt"], "/nonexistent/proxy.crt: no such file"),
            (["explain"], "give --cert FILE (a certificate to decide) or --trace ID (a recorded request), one of them"),
            (["explain", "--trace", "t-nosuch", "--journal", home.path], "no request with trace t-nosuch"),
            (["explain", "--cert", certmap.pki.appendingPathComponent("alice.crt").path, "--path", "nopath"], "--path must start with \"/\""),
            (["diagnose", "--journal", "/nonexistent/journal"], "/nonexistent/journal: no such journal file or directory"),
            (["diagnose", "--since", "yesterday"], "is not an RFC 3339 time"),
            (["mappings", "remove", "nosuchmapping"], "no mapping named \"nosuchmapping\""),
            (["mappings", "test", "--cert", "/nonexistent/c.crt"], "/nonexistent/c.crt: no such file"),
            (["mappings", "test", "--cert", notJSON.path], "neither PEM nor DER"),
            (["mappings", "add", "--name", "x", "--account", "nobody", "--rule", "O=Contoso"], "unknown account \"nobody\""),
            (["pki", "init"], "a PKI already exists"),
            (["pki", "issue", "zoe", "--subject", "garbage"], "must start with \"/\""),
            (["scenario", "run", "nosuchscenario"], "no scenario named \"nosuchscenario\""),
            (["export", "iis", "-o", "/nonexistent/dir/x.config"], "/nonexistent/dir/x.config: cannot write it: the directory /nonexistent/dir does not exist"),
            (["export", "har", "--har", "/nonexistent/x.har"], "/nonexistent/x.har: no such file"),
            (["sessions", "delete", "nosuchsession"], "no session named \"nosuchsession\""),
            (["sessions", "save", "s1", "--filter", "~s banana"], "~s needs a status like 401 or 401.2"),
            (["replay", "nosuchsession", "--dry-run"], "no session named \"nosuchsession\""),
            (["import", "iis", home.path], "is a directory, not a file"),
            (["bench", "mapping", "--decisions", "5"], "--decisions must be at least 1000"),
            (["logformat", "apache"], "unknown proxy \"apache\"; give one of nginx, haproxy, caddy, envoy"),
            (["import", "log", "/nonexistent/access.log", "--format", "nginx"], "/nonexistent/access.log: no such file"),
            (["import", "log", notJSON.path, "--format", "apache"], "--format \"apache\": give one of nginx, haproxy, caddy, envoy"),
            (["import", "log", notJSON.path, "--format", "nginx"], "no request could be read"),
            (["import", "log", home.path, "--format", "nginx"], "is a directory"),
            (["diagnose", "--session", "nosuchsession"], "no session named \"nosuchsession\""),
            (["--attach", "127.0.0.1:9"], "--attach HOST:PORT is a TLS admin endpoint: give --attach-cert and --attach-key"),
            (["serve", "--listen", "127.0.0.1:0", "--no-proxies", "--no-journal", "--admin", "/tmp/" + String(repeating: "a", count: 120) + ".sock"], "a Unix socket's may be at most 107"),
            (["serve", "--listen", "127.0.0.1:0", "--no-proxies", "--metrics", "nonsense"], "nonsense"),
        ]
        let config = try Data(contentsOf: home.appendingPathComponent("config.json"))
        for (arguments, says) in cases {
            // bench builds its data in memory and takes no --home.
            let result = arguments.first == "bench" ? try CertMapProcess.execute(CertMapProcess.binary, arguments) : try certmap.run(arguments)
            let label = arguments.joined(separator: " ")
            XCTAssertNotEqual(result.status, 0, label)
            let lines = result.stderr.split(separator: "\n").filter { !$0.isEmpty }
            XCTAssertEqual(lines.count, 1, "\(label): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(says), "\(label): \(result.stderr)")
            for marker in Self.internalMarkers {
                XCTAssertFalse(result.stderr.contains(marker), "\(label) shows \(marker): \(result.stderr)")
            }
        }
        XCTAssertEqual(try Data(contentsOf: home.appendingPathComponent("config.json")), config, "no bad input changed the configuration")
        listener.close()
    }

    /// Broken trust files and a resource path no request can have: `serve` does not start, and
    /// says in one line which file or field and why.
    func testServeWithBrokenTrustFilesOrAnUnnormalisedResourceIsOneLineNamingIt() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let pki = certmap.pki
        let serve = ["serve", "--listen", "127.0.0.1:0", "--no-proxies", "--no-journal"]
        let breakages: [(name: String, file: URL, replacement: Data, says: String)] = [
            ("garbage CA bundle", pki.appendingPathComponent("ca-bundle.pem"), Data("garbage\n".utf8), "ca-bundle.pem: trust.caBundle: no PEM CERTIFICATE blocks found"),
            ("server key of another certificate", pki.appendingPathComponent("server.key"), try Data(contentsOf: pki.appendingPathComponent("alice.key")),
             "server.key: server.privateKey: does not belong to the server certificate"),
            ("garbage CRL", pki.appendingPathComponent("crl.pem"), Data("-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n".utf8), "crl.pem: trust.crls[0]: not a CRL certmap can read"),
            ("resource path /%61dmin", certmap.home.appendingPathComponent("config.json"),
             Data(try String(contentsOf: certmap.home.appendingPathComponent("config.json"), encoding: .utf8).replacingOccurrences(of: "\"/admin\"", with: "\"/%61dmin\"").utf8),
             #"is matched against normalised paths; write it as "/admin""#),
        ]
        for breakage in breakages {
            let original = try Data(contentsOf: breakage.file)
            try breakage.replacement.write(to: breakage.file)
            let result = try certmap.run(serve)
            try original.write(to: breakage.file)
            XCTAssertNotEqual(result.status, 0, breakage.name)
            let lines = result.stderr.split(separator: "\n").filter { !$0.isEmpty }
            XCTAssertEqual(lines.count, 1, "\(breakage.name): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(breakage.says), "\(breakage.name): \(result.stderr)")
            for marker in Self.internalMarkers {
                XCTAssertFalse(result.stderr.contains(marker), "\(breakage.name) shows \(marker): \(result.stderr)")
            }
        }
    }
}

/// A TCP port held open on 127.0.0.1 so a command finds it busy.
private final class LoopbackListener {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        descriptor = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0, listen(fd, 4) == 0 else { throw CertMapProcessError("cannot listen on 127.0.0.1") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() {
        Glibc.close(descriptor)
    }
}
