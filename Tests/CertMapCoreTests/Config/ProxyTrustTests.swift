import Foundation
import CertMapCore
import XCTest

/// The two proxy roles: addresses whose connections count as proxied, and certificate
/// forwarders identified by the certificate they present — and how old `trustedProxies` files migrate.
final class ProxyTrustTests: XCTestCase {
    private var temporary: TemporaryDirectory!
    private var home: DataHome { DataHome(url: temporary.url) }
    private var pki: URL { temporary.url.appendingPathComponent("pki") }

    override func setUpWithError() throws {
        temporary = try TemporaryDirectory(prefix: "certmap-proxy-trust")
        try DemoPKI.initialize(in: pki, now: Date())
    }

    override func tearDown() {
        temporary.remove()
    }

    private func identity(_ name: String) throws -> CertificateIdentity {
        try CertificateLoader.certificates(at: pki.appendingPathComponent("\(name).crt"))[0]
    }

    private func address(_ text: String) throws -> IPAddress { try XCTUnwrap(IPAddress(text)) }

    private func trust(_ server: ServerSettings) throws -> ProxyTrust {
        XCTAssertEqual(ConfigValidator.validate(ConfigDocument(server: server)), [])
        return try ProxyTrust.load(server, home: home)
    }

    func testAPeerThatIsNoForwarderIsComparedWithEveryConfiguredProxy() throws {
        let proxy = try identity("proxy")
        let alice = try identity("alice")
        let pinned = CertificateForwarderEntry(name: "edge", sha256: proxy.sha256.colonHex, address: "127.0.0.3")
        let issued = CertificateForwarderEntry(name: "ca-edge", ca: "pki/impostor-ca.crt", subject: proxy.subject.rfc2253)
        let server = ServerSettings(proxiedConnections: [ProxiedConnectionEntry(address: "127.0.0.2")], certificateForwarders: [pinned, issued])
        func of(_ peer: String, _ leaf: CertificateIdentity?, headers: Bool = true) throws -> ForwarderResemblance? {
            ForwarderResemblance.of(address: try address(peer), leaf: leaf, server: server, sentForwardedHeaders: headers)
        }
        XCTAssertEqual(try of("127.0.0.1", proxy), .forwarder(name: "edge", index: 0, difference: .address(configured: "127.0.0.3", actual: "127.0.0.1")))
        XCTAssertEqual(try of("127.0.0.1", proxy, headers: false), .forwarder(name: "edge", index: 0, difference: .address(configured: "127.0.0.3", actual: "127.0.0.1")))
        XCTAssertEqual(try of("127.0.0.3", nil), .forwarder(name: "edge", index: 0, difference: .noCertificate(address: "127.0.0.3")))
        XCTAssertEqual(
            try of("127.0.0.3", alice),
            .forwarder(name: "edge", index: 0, difference: .certificate(
                configuredPin: proxy.sha256.colonHex, presentedPin: alice.sha256.colonHex, presentedSubject: alice.subject.rfc2253, presentedIssuer: alice.issuer.rfc2253)))
        XCTAssertNil(try of("127.0.0.3", alice, headers: false), "without forwarded headers an address alone says nothing")
        XCTAssertEqual(try of("127.0.0.2", alice), .proxiedConnection(address: "127.0.0.2"))
        XCTAssertNil(try of("127.0.0.2", alice, headers: false))
        XCTAssertNil(try of("127.0.0.9", alice), "a peer that resembles no proxy is a client forging")
        let onlyIssued = ServerSettings(proxiedConnections: [], certificateForwarders: [issued])
        XCTAssertEqual(
            ForwarderResemblance.of(address: try address("127.0.0.9"), leaf: proxy, server: onlyIssued),
            .forwarder(name: "ca-edge", index: 0, difference: .issuer(subject: proxy.subject.rfc2253, caFile: "pki/impostor-ca.crt")))
    }

    func testCIDRRangesContainTheirAddressesOnly() throws {
        let loopback = try XCTUnwrap(IPAddressRange("127.0.0.0/8"))
        XCTAssertTrue(loopback.contains(try address("127.0.0.2")))
        XCTAssertFalse(loopback.contains(try address("128.0.0.1")))
        let narrow = try XCTUnwrap(IPAddressRange("10.1.2.0/23"))
        XCTAssertTrue(narrow.contains(try address("10.1.3.255")))
        XCTAssertFalse(narrow.contains(try address("10.1.4.0")))
        let single = try XCTUnwrap(IPAddressRange("127.0.0.2"))
        XCTAssertEqual(single.prefixLength, 32)
        XCTAssertFalse(single.contains(try address("127.0.0.1")))
    }

    func testIPv6AndIPv4MappedAddresses() throws {
        let v6 = try XCTUnwrap(IPAddressRange("::1/128"))
        XCTAssertTrue(v6.contains(try address("::1")))
        XCTAssertFalse(v6.contains(try address("127.0.0.1")), "families never match each other")
        XCTAssertEqual(IPAddress("::ffff:127.0.0.2"), IPAddress("127.0.0.2"))
        XCTAssertEqual(IPAddress("[::1]")?.description, "::1")
    }

    func testMalformedRangesAreRejected() {
        for text in ["", "127.0.0.300", "127.0.0.0/33", "::1/129", "localhost", "10.0.0.0/-1", "1.2.3.4/x"] {
            XCTAssertNil(IPAddressRange(text), text)
        }
    }

    func testAProxiedConnectionAddressCountsAsProxiedButMayNotForward() throws {
        let trust = try trust(ServerSettings(proxiedConnections: [ProxiedConnectionEntry(address: "127.0.0.2")], certificateForwarders: []))
        let tunnel = trust.role(address: try address("127.0.0.2"), leaf: try identity("alice"))
        XCTAssertTrue(tunnel.proxied)
        XCTAssertFalse(tunnel.mayForwardCertificates, "a CONNECT tunnel's address is never a forwarder")
        XCTAssertFalse(tunnel.certificateIsForwarderIdentity, "alice's own certificate in the tunnel stands for alice")
        XCTAssertEqual(trust.role(address: try address("127.0.0.1"), leaf: nil), .direct)
    }

    func testAPinnedForwarderIsAdmittedOnlyWithItsCertificateAndFromItsAddress() throws {
        let proxy = try identity("proxy")
        let trust = try trust(ServerSettings(certificateForwarders: [CertificateForwarderEntry(name: "edge", sha256: proxy.sha256.colonHex, address: "127.0.0.3")]))
        let role = trust.role(address: try address("127.0.0.3"), leaf: proxy)
        XCTAssertEqual(role, ProxyTrust.PeerRole(proxied: true, forwarder: "edge", certificateIsForwarderIdentity: true, forwarderIsWeak: false))
        XCTAssertFalse(trust.role(address: try address("127.0.0.3"), leaf: try identity("alice")).mayForwardCertificates, "another certificate from the right address")
        XCTAssertFalse(trust.role(address: try address("127.0.0.3"), leaf: nil).mayForwardCertificates, "no certificate from the right address")
        XCTAssertFalse(trust.role(address: try address("127.0.0.9"), leaf: proxy).mayForwardCertificates, "the right certificate from elsewhere")
    }

    func testAForwarderCanBeIdentifiedByItsCAAndExactSubject() throws {
        let proxy = try identity("proxy")
        let entry = CertificateForwarderEntry(ca: "pki/intermediate-ca.crt", subject: proxy.subject.rfc2253)
        let trust = try trust(ServerSettings(certificateForwarders: [entry]))
        XCTAssertTrue(trust.role(address: try address("10.9.8.7"), leaf: proxy).mayForwardCertificates)
        XCTAssertFalse(trust.role(address: nil, leaf: try identity("alice")).mayForwardCertificates, "same CA, other subject")
        // The impostor CA can copy any subject; only the configured CA's signature counts.
        let impostorCA = CertificateForwarderEntry(ca: "pki/impostor-ca.crt", subject: proxy.subject.rfc2253)
        XCTAssertFalse(try self.trust(ServerSettings(certificateForwarders: [impostorCA])).role(address: nil, leaf: proxy).mayForwardCertificates)
        let sameSubjectOtherIssuer = CertificateForwarderEntry(ca: "pki/intermediate-ca.crt", subject: try identity("impostor").subject.rfc2253)
        XCTAssertFalse(try self.trust(ServerSettings(certificateForwarders: [sameSubjectOtherIssuer])).role(address: nil, leaf: try identity("impostor")).mayForwardCertificates,
                       "alice's subject from the impostor CA is not issued by the configured CA")
    }

    func testAnAddressOnlyForwarderMustBeMarkedAndIsReportedWeak() throws {
        let unmarked = ConfigDocument(server: ServerSettings(certificateForwarders: [CertificateForwarderEntry(address: "10.0.0.5")]))
        XCTAssertEqual(ConfigValidator.validate(unmarked).map(\.description), [
            "server.certificateForwarders[0]: needs \"sha256\" (the pin of the certificate the forwarder presents) or \"ca\" + \"subject\"; trusting an address alone needs \"addressOnly\": true and is weak",
        ])
        let marked = ConfigDocument(server: ServerSettings(certificateForwarders: [CertificateForwarderEntry(name: "old balancer", address: "10.0.0.5", addressOnly: true)]))
        XCTAssertEqual(ConfigValidator.validate(marked), [])
        XCTAssertEqual(ConfigValidator.weaknesses(marked).map(\.description), [
            "server.certificateForwarders[0]: weak: old balancer is believed by address alone, so any process that can connect from 10.0.0.5 can forge a client identity; pin its certificate (sha256) instead",
        ])
        let role = try trust(marked.server).role(address: try address("10.0.0.5"), leaf: try identity("alice"))
        XCTAssertTrue(role.mayForwardCertificates)
        XCTAssertTrue(role.forwarderIsWeak)
        XCTAssertFalse(role.certificateIsForwarderIdentity, "an address-only forwarder has no certificate of its own")
        XCTAssertEqual(ConfigValidator.weaknesses(ConfigDocument()), [], "the default configuration has no weak entry")
    }

    func testContradictoryOrIncompleteForwardersAreErrorsWithTheirPaths() {
        let cases: [(CertificateForwarderEntry, String)] = [
            (CertificateForwarderEntry(sha256: "AB", address: "127.0.0.3"), "server.certificateForwarders[0].sha256: \"AB\" is not a SHA-256 fingerprint (64 hex digits, colons allowed)"),
            (CertificateForwarderEntry(subject: "CN=proxy"), "server.certificateForwarders[0].ca: a subject rule needs \"ca\": the PEM file of the CA that issues the forwarder's certificate (a subject alone can be copied by any CA)"),
            (CertificateForwarderEntry(ca: "pki/intermediate-ca.crt"), "server.certificateForwarders[0].subject: \"ca\" needs \"subject\": the forwarder certificate's exact subject (RFC 2253), or every certificate of that CA could forward identities"),
            (CertificateForwarderEntry(addressOnly: true), "server.certificateForwarders[0].address: an address-only forwarder needs an address"),
            (CertificateForwarderEntry(sha256: String(repeating: "AB", count: 32), address: "10.0.0.0/40"), "server.certificateForwarders[0].address: \"10.0.0.0/40\" is not an IP address or CIDR range"),
        ]
        for (entry, message) in cases {
            XCTAssertEqual(ConfigValidator.validate(ConfigDocument(server: ServerSettings(certificateForwarders: [entry]))).map(\.description), [message])
        }
        let both = CertificateForwarderEntry(sha256: String(repeating: "AB", count: 32), address: "10.0.0.5", addressOnly: true)
        XCTAssertEqual(ConfigValidator.validate(ConfigDocument(server: ServerSettings(certificateForwarders: [both]))).map(\.path), ["server.certificateForwarders[0].addressOnly"])
    }

    func testAnUnreadableForwarderCAIsAnErrorNamingTheFieldAndFile() throws {
        let server = ServerSettings(certificateForwarders: [CertificateForwarderEntry(ca: "pki/missing.pem", subject: "CN=proxy")])
        XCTAssertThrowsError(try ProxyTrust.load(server, home: home)) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("missing.pem"), text)
            XCTAssertTrue(text.contains("server.certificateForwarders[0].ca"), text)
        }
    }

    func testOldTrustedProxiesMigrateOneLinePerEntryAndSaveInTheNewForm() throws {
        let pin = String(repeating: "AB:", count: 31) + "AB"
        let json = #"{"version": 1, "server": {"trustedProxies": [{"address": "127.0.0.2"}, {"address": "127.0.0.3", "sha256": "\#(pin)"}]}}"#
        let document = try ConfigCodec.decode(Data(json.utf8), file: "c.json")
        XCTAssertEqual(document.server.proxiedConnections, [ProxiedConnectionEntry(address: "127.0.0.2")], "an address is not an identity: it only counts as proxied")
        XCTAssertEqual(document.server.certificateForwarders, [CertificateForwarderEntry(sha256: pin, address: "127.0.0.3")])
        XCTAssertEqual(document.migrationNotes, [
            "server.trustedProxies[0] (127.0.0.2, no certificate) is now server.proxiedConnections[0]: its connections count as proxied, but forwarded certificates from it are no longer believed; to believe them, add it to server.certificateForwarders with the sha256 of its certificate",
            "server.trustedProxies[1] (127.0.0.3 presenting SHA-256 AB:AB:AB:AB…) is now server.certificateForwarders[0]: it may forward client certificates",
        ])
        let saved = String(decoding: try ConfigCodec.encode(document), as: UTF8.self)
        XCTAssertFalse(saved.contains("trustedProxies"), saved)
        let reloaded = try ConfigCodec.decode(Data(saved.utf8), file: "c.json")
        XCTAssertEqual(reloaded, document)
        XCTAssertEqual(reloaded.migrationNotes, [], "a file in the new form needs no migration")
    }

    func testAMigratedEntryWithABadAddressIsReportedWhereItNowLives() {
        XCTAssertThrowsError(try ConfigCodec.decode(Data(#"{"version": 1, "server": {"trustedProxies": [{"address": "10.0.0.0/40"}]}}"#.utf8), file: "c.json")) { error in
            XCTAssertEqual(String(describing: error), "c.json: server.proxiedConnections[0].address: \"10.0.0.0/40\" is not an IP address or CIDR range")
        }
    }

    func testServerSettingsAcceptAPresetNameOrFlags() throws {
        let preset = try ConfigCodec.decode(Data(#"{"version": 1, "server": {"authPersistence": "legacy-iis4"}}"#.utf8), file: "c.json")
        XCTAssertEqual(preset.server.authPersistence, AuthPersistencePreset.legacyIIS4.flags)
        let flags = try ConfigCodec.decode(Data(#"{"version": 1, "server": {"authPersistence": {"singleRequest": false, "singleRequestIfProxy": true, "singleRequestAlwaysIfProxy": false, "remapAfterReset": true}}}"#.utf8), file: "c.json")
        XCTAssertNil(flags.server.authPersistence.preset)
        XCTAssertThrowsError(try ConfigCodec.decode(Data(#"{"version": 1, "server": {"authPersistence": "legacy"}}"#.utf8), file: "c.json")) { error in
            XCTAssertEqual(String(describing: error), "c.json: server.authPersistence: unknown preset \"legacy\"; expected one of per-request, legacy-iis4, per-connection, or an object with the four flags")
        }
    }
}
