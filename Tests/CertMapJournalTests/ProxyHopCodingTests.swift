import CertMapJournal
import Foundation
import XCTest

/// Proxy hops go to the journal as flat JSON and come back equal; their text names both ends.
final class ProxyHopCodingTests: XCTestCase {
    func testProxyHopsRoundTripThroughTheJournalFormat() throws {
        let hops = [
            ProxyHop(proxy: .forward, action: .tunnelOpened, clientConnection: 3, clientPeer: "127.0.0.1:5000", upstreamLocal: "127.0.0.2:6000"),
            ProxyHop(proxy: .forward, action: .tunnelClosed, clientConnection: 3, clientPeer: "127.0.0.1:5000", upstreamLocal: "127.0.0.2:6000", bytes: 4096),
            ProxyHop(proxy: .reverse, action: .forwarded, clientConnection: 9, clientPeer: "127.0.0.1:5001", upstreamLocal: "127.0.0.3:6001", method: "GET", path: "/a", clientCertificate: "CN=alice", forwardedFormat: "rfc9440"),
            ProxyHop(proxy: .forward, action: .refused, clientConnection: 4, clientPeer: "127.0.0.1:5002", detail: "CONNECT example.com:80 refused"),
        ]
        let encoder = EventJSON.encoder()
        for (index, hop) in hops.enumerated() {
            let event = CertMapEvent(sequence: UInt64(index), time: Date(timeIntervalSince1970: 1_000), kind: .proxyHop(hop))
            let data = try encoder.encode(event)
            XCTAssertTrue(String(decoding: data, as: UTF8.self).contains(#""type":"proxyHop""#))
            XCTAssertEqual(try EventJSON.decoder().decode(CertMapEvent.self, from: data), event)
        }
        let line = EventText.line(CertMapEvent(sequence: 1, time: Date(), kind: .proxyHop(hops[2])))
        XCTAssertTrue(line.contains("reverse proxy r9 GET /a from 127.0.0.1:5001 [CN=alice, forwarded as rfc9440] → server as 127.0.0.3:6001"), line)
    }
}
