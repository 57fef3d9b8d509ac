import CertMapCore
import Foundation
import FuzzSupport

/// The configuration file (`<home>/config.json`), through `ConfigCodec.decode(_:file:)` (which
/// runs `ConfigValidator`), then what loading a configuration leads to: the compiled snapshot
/// (mapping index, wildcard patterns, access policy), a few decisions for the demo user alice,
/// the weaknesses report and the IIS export.
///
/// Properties, as in ConfigCodecFuzzTests: every failure is a `ConfigError` whose every line
/// names the file; every loaded document validates, round-trips through `ConfigCodec.encode`
/// and compiles into a snapshot; its values survive the conversions their consumers make (the
/// server's `Int64(seconds * 1000)` milliseconds for NIO, the journal's megabytes as bytes), which
/// trap when out of range.
private let paths = ["/", "/admin/reports", "/api/v1/x?y=1"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Data(Fuzz.bytes(data, size))
    let document: ConfigDocument
    do {
        document = try ConfigCodec.decode(input, file: "config.json")
    } catch let error as ConfigError {
        let lines = error.description.split(separator: "\n", omittingEmptySubsequences: false)
        // Bytes, not Characters: a field name starting with a combining mark joins the space before it.
        Fuzz.check(!lines.isEmpty && lines.allSatisfy { $0.utf8.starts(with: "config.json: ".utf8) }, "an error line that does not name the file: \(error.description)")
        return 0
    } catch {
        Fuzz.check(false, "not a ConfigError: \(type(of: error)) \(error)")
        return 0
    }
    Fuzz.check(ConfigValidator.validate(document).isEmpty, "a loaded document that does not validate")
    do {
        let again = try ConfigCodec.decode(ConfigCodec.encode(document), file: "config.json")
        Fuzz.check(again == document, "a loaded document does not round-trip")
    } catch {
        Fuzz.check(false, "a loaded document, saved, does not load again: \(error)")
    }
    let limits = document.server.limits
    for (name, seconds) in [("headerReadTimeoutSeconds", limits.headerReadTimeoutSeconds), ("idleTimeoutSeconds", limits.idleTimeoutSeconds)] {
        Fuzz.check(seconds * 1000 < Double(Int64.max), "server.limits.\(name) = \(seconds) loads but Int64(seconds * 1000) traps in the server")
    }
    // What InProcessStack hands the journal writer: megabytes as bytes (an overflow traps).
    let retention = document.journal
    Fuzz.check(!retention.segmentMegabytes.multipliedReportingOverflow(by: 1024 * 1024).overflow, "journal.segmentMegabytes = \(retention.segmentMegabytes) loads but its bytes overflow Int")
    Fuzz.check(!Int64(retention.maxTotalMegabytes).multipliedReportingOverflow(by: 1024 * 1024).overflow, "journal.maxTotalMegabytes = \(retention.maxTotalMegabytes) loads but its bytes overflow Int64")
    _ = ConfigValidator.weaknesses(document)
    _ = document.migrationNotes
    let snapshot: ConfigSnapshot
    do {
        snapshot = try ConfigSnapshot(document: document, generation: 1)
    } catch {
        Fuzz.check(false, "a loaded document does not compile: \(error)")
        return 0
    }
    for path in paths {
        for check in [CertificateCheck(verdict: .valid, notes: []), CertificateCheck(verdict: .revoked, notes: ["fuzz"])] {
            _ = snapshot.engine.decide(AuthenticationRequest(path: path, certificate: Fuzz.alice, check: check))
        }
        _ = snapshot.engine.decide(AuthenticationRequest(path: path, certificate: nil, check: nil))
    }
    _ = IISConfigurationWriter.render(document)
    return 0
}
