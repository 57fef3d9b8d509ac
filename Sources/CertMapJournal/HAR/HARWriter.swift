import CertMapCore
import Foundation

/// Writes a session as a HAR 1.2 file without building it in memory first: `HARConversion`'s
/// document, entry by entry, each entry's record written by `EventJSONWriter` (the form the
/// journal uses). An imported access log of 100,000 requests made `JSONEncoder` hold gigabytes
/// of intermediate values; this holds the output only. `HARDocument.read` reads what it writes
/// (tests compare the two ways).
public enum HARWriter {
    public static func data(from session: ReplaySession, times: [String: Date], host: String = "localhost") throws -> Data {
        var stream = HARStream(host: host)
        var output = stream.header()
        for record in session.requests {
            output.append(try stream.entry(
                record, certificate: record.certificate.flatMap { session.certificates[$0.sha256] }, time: times[record.key], context: session.isContext(record)))
        }
        output.append(stream.footer())
        return output
    }

    fileprivate static func query(of path: String) -> [HARDocument.NameValue] {
        guard path.contains("?"), let components = URLComponents(string: path), let items = components.queryItems else { return [] }
        return items.map { HARDocument.NameValue(name: $0.name, value: $0.value ?? "") }
    }
}

/// A HAR file written piece by piece — the header, each entry as its record comes, the footer —
/// so a session of any size is written without being held (`certmap import log`).
public struct HARStream {
    private let host: String
    private var writer = EventJSONWriter(datesAsReferenceSeconds: true)
    private var entries = 0

    public init(host: String = "localhost") {
        self.host = host
    }

    public func header() -> Data {
        Data(#"{"log":{"creator":{"name":"certmap","version":"0.1.0"},"entries":["#.utf8)
    }

    /// One entry; `certificate` is the request's (its DER goes in, so the file replays alone).
    public mutating func entry(_ record: RequestRecord, certificate: CertificateIdentity?, time: Date?, context: Bool = false) throws -> Data {
        var output = Data((entries == 0 ? "\n" : ",\n").utf8)
        entries += 1
        let milliseconds = Double(record.durationMicros) / 1000
        let started = time.map(RFC3339Time.string) ?? "1970-01-01T00:00:00.000Z"
        let url = "https://\(host)\(record.path)"
        output.append(contentsOf: #"{"_certmap":{"#.utf8)
        if let der = certificate {
            output.append(contentsOf: #""certificateDER":""#.utf8)
            output.append(contentsOf: Data(der.der).base64EncodedData())
            output.append(contentsOf: #"","#.utf8)
        }
        if context { output.append(contentsOf: #""context":true,"#.utf8) }
        output.append(contentsOf: #""record":"#.utf8)
        try writer.append(record, to: &output)
        output.append(contentsOf: #"},"cache":{},"#.utf8)
        output.append(contentsOf: #""connection":"#.utf8)
        writer.append(string: record.run.map { "\($0)/\(record.connection)" } ?? String(record.connection), to: &output)
        output.append(contentsOf: #","request":{"bodySize":-1,"cookies":[],"headers":[],"headersSize":-1,"httpVersion":"HTTP/1.1","method":"#.utf8)
        writer.append(string: record.method, to: &output)
        output.append(contentsOf: #","queryString":["#.utf8)
        for (number, item) in HARWriter.query(of: record.path).enumerated() {
            if number > 0 { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: #"{"name":"#.utf8)
            writer.append(string: item.name, to: &output)
            output.append(contentsOf: #","value":"#.utf8)
            writer.append(string: item.value, to: &output)
            output.append(UInt8(ascii: "}"))
        }
        output.append(contentsOf: #"],"url":"#.utf8)
        writer.append(string: url, to: &output)
        output.append(contentsOf: #"},"response":{"bodySize":-1,"content":{"mimeType":"text/plain","size":-1},"cookies":[],"headers":["#.utf8)
        var headers = [("X-CertMap-Decision", record.decision.statusText), ("X-CertMap-Trace", record.traceID)]
        if let account = record.decision.account { headers.append(("X-CertMap-Account", account)) }
        for (number, header) in headers.enumerated() {
            if number > 0 { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: #"{"name":"#.utf8)
            writer.append(string: header.0, to: &output)
            output.append(contentsOf: #","value":"#.utf8)
            writer.append(string: header.1, to: &output)
            output.append(UInt8(ascii: "}"))
        }
        output.append(contentsOf: #"],"headersSize":-1,"httpVersion":"HTTP/1.1","redirectURL":"","status":"#.utf8)
        output.append(contentsOf: String(record.decision.status).utf8)
        output.append(contentsOf: #","statusText":"#.utf8)
        writer.append(string: record.decision.reason.summary, to: &output)
        output.append(contentsOf: #"},"startedDateTime":"#.utf8)
        writer.append(string: started, to: &output)
        output.append(contentsOf: #","time":"#.utf8)
        output.append(contentsOf: "\(milliseconds)".utf8)
        output.append(contentsOf: #","timings":{"receive":0,"send":0,"wait":"#.utf8)
        output.append(contentsOf: "\(milliseconds)".utf8)
        output.append(contentsOf: "}}".utf8)
        return output
    }

    public func footer() -> Data {
        Data("\n],\"version\":\"1.2\"}}\n".utf8)
    }
}
