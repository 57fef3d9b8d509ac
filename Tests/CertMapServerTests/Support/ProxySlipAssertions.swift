import CertMapCore
import CertMapJournal
import XCTest

extension XCTestCase {
    /// The last request `harness` decided came through a real proxy with `slip`: it was not
    /// allowed, it is diagnosed as `kind`, the cause or fix says `phrase`, and the fix never offers
    /// to map the proxy's certificate.
    func assertDiagnosedAsProxySlip(
        _ harness: ServerHarness, answer: String, kind: Diagnosis.Kind, saying phrase: String, slip: String, proxyLog: String,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        XCTAssertFalse(answer.hasPrefix("200"), "\(slip): \(answer)", file: file, line: line)
        let record = try XCTUnwrap(harness.requestRecords().last, "\(slip): \(proxyLog)", file: file, line: line)
        let diagnosis = Diagnosis(record: record)
        XCTAssertEqual(diagnosis.kind, kind, "\(slip): \(diagnosis.cause)", file: file, line: line)
        XCTAssertTrue((diagnosis.cause + diagnosis.fix).contains(phrase), "\(slip): \(diagnosis.cause) \(diagnosis.fix)", file: file, line: line)
        XCTAssertFalse(diagnosis.fix.contains("Add a mapping for it"), "\(slip): \(diagnosis.fix)", file: file, line: line)
    }
}
