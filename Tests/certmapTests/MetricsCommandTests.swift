import CertMapTestSupport
import Foundation
import XCTest

/// `certmap serve --metrics`: the text format read directly, and a real Prometheus server
/// (Debian's) scraping it and answering queries about certmap's requests.
final class MetricsCommandTests: XCTestCase {
    private func get(_ url: String) throws -> String {
        try CertMapProcess.execute(URL(fileURLWithPath: "/usr/bin/curl"), ["-sS", "--max-time", "5", url]).stdout
    }

    private func startServe() throws -> (CertMapProcess, ServeProcess, Int) {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let serve = try ServeProcess(self, certmap: certmap, arguments: ["--metrics", "127.0.0.1:0"])
        let line = try XCTUnwrap(serve.waitFor({ $0.contains("Prometheus metrics on http://127.0.0.1:") }, seconds: 10), "\(serve.lines)")
        let port = try XCTUnwrap(line.range(of: #"127\.0\.0\.1:(\d+)"#, options: .regularExpression).flatMap { Int(line[$0].split(separator: ":")[1]) })
        return (certmap, serve, port)
    }

    func testMetricsCountRequestsByStatusAndSubstatusWithADecisionHistogram() throws {
        let (certmap, serve, port) = try startServe()
        XCTAssertEqual(try serve.curl(certmap, user: "alice", paths: ["/", "/a"]), "200 200")
        XCTAssertEqual(try serve.curl(certmap, user: "erin", paths: ["/"]), "401")
        _ = try CertMapProcess.execute(URL(fileURLWithPath: "/usr/bin/curl"), ["-sS", "--max-time", "5", "http://127.0.0.1:\(serve.port)/"])
        let text = try get("http://127.0.0.1:\(port)/metrics")
        XCTAssertTrue(text.contains(#"certmap_requests_total{status="200",substatus="",route="direct",mode="per-request"} 2"#), text)
        XCTAssertTrue(text.contains(#"certmap_requests_total{status="401",substatus="2",route="direct",mode="per-request"} 1"#), text)
        XCTAssertTrue(text.contains("certmap_decision_seconds_bucket{le="), text)
        XCTAssertTrue(text.contains("certmap_decision_seconds_count 3"), text)
        XCTAssertTrue(text.contains(#"certmap_tls_handshake_failures_total{reason="plain_http"} 1"#), text)
        XCTAssertTrue(text.contains("certmap_config_generation 1"), text)
        XCTAssertTrue(text.contains("certmap_journal_bytes "), text)
        XCTAssertTrue(try get("http://127.0.0.1:\(port)/").contains("the metrics are at GET /metrics"))
    }

    func testARealPrometheusScrapesCertmapAndAnswersQueriesAboutItsRequests() async throws {
        try PeerProcess.require("/usr/bin/prometheus", package: "prometheus")
        let (certmap, serve, port) = try startServe()
        let directory = try PeerProcess.makeDirectory("prometheus")
        let configuration = directory.appendingPathComponent("prometheus.yml")
        try """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: certmap
                static_configs:
                  - targets: ["127.0.0.1:\(port)"]

            """.write(to: configuration, atomically: true, encoding: .utf8)
        let web = try PeerProcess.freePort()
        let prometheus = try await PeerProcess.start(
            self, name: "prometheus", binary: "/usr/bin/prometheus",
            arguments: ["--config.file=\(configuration.path)", "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
                        "--web.listen-address=127.0.0.1:\(web)"],
            port: web, directory: directory, log: directory.appendingPathComponent("prometheus.log"))
        XCTAssertEqual(try serve.curl(certmap, user: "erin", paths: ["/", "/x"]), "401 401")
        XCTAssertEqual(try serve.curl(certmap, user: "alice", paths: ["/"]), "200")
        let query = "http://127.0.0.1:\(web)/api/v1/query?query=certmap_requests_total%7Bsubstatus%3D%222%22%7D"
        var answer = ""
        let scraped = await eventually(within: 20) {
            answer = (try? self.get(query)) ?? ""
            return answer.contains(#""substatus":"2""#) && answer.contains(#""2"]"#)
        }
        XCTAssertTrue(scraped, "Prometheus never reported erin's two 401.2 requests: \(answer)\n\(prometheus.logText.suffix(2000))")
        XCTAssertTrue(answer.contains(#""job":"certmap""#), answer)
        XCTAssertTrue(answer.contains(#""status":"401""#), answer)
        let histogram = try get("http://127.0.0.1:\(web)/api/v1/query?query=certmap_decision_seconds_count")
        XCTAssertTrue(histogram.contains(#""__name__":"certmap_decision_seconds_count""#), histogram)
    }
}
