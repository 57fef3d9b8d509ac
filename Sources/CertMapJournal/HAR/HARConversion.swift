import CertMapCore
import Foundation

/// Converts recorded sessions to HAR 1.2 and back, so a session can be shared with tools that
/// read HAR and replayed later from the file alone.
public enum HARConversion {
    public static func document(from session: ReplaySession, times: [String: Date], host: String = "localhost") -> HARDocument {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let entries = session.requests.map { record -> HARDocument.Entry in
            let milliseconds = Double(record.durationMicros) / 1000
            var headers = [HARDocument.NameValue(name: "X-CertMap-Decision", value: record.decision.statusText), .init(name: "X-CertMap-Trace", value: record.traceID)]
            if let account = record.decision.account { headers.append(.init(name: "X-CertMap-Account", value: account)) }
            let der = record.certificate.flatMap { session.certificates[$0.sha256] }.map { Data($0.der).base64EncodedString() }
            return HARDocument.Entry(
                startedDateTime: formatter.string(from: times[record.key] ?? Date(timeIntervalSince1970: 0)),
                time: milliseconds,
                request: .init(method: record.method, url: "https://\(host)\(record.path)", httpVersion: "HTTP/1.1", cookies: [], headers: [], queryString: query(of: record.path), headersSize: -1, bodySize: -1),
                response: .init(
                    status: record.decision.status, statusText: record.decision.reason.summary, httpVersion: "HTTP/1.1", cookies: [], headers: headers,
                    content: .init(size: -1, mimeType: "text/plain"), redirectURL: "", headersSize: -1, bodySize: -1),
                cache: .init(),
                timings: .init(send: 0, wait: milliseconds, receive: 0),
                connection: record.run.map { "\($0)/\(record.connection)" } ?? String(record.connection),
                _certmap: .init(record: record, certificateDER: der, context: session.isContext(record) ? true : nil)
            )
        }
        return HARDocument(log: .init(version: "1.2", creator: .init(name: "certmap", version: "0.1.0"), entries: entries))
    }

    /// A session from a HAR file certmap wrote: requests in file order, certificates from the entries.
    public static func session(from document: HARDocument) -> ReplaySession {
        var certificates: [String: CertificateIdentity] = [:]
        for entry in document.log.entries {
            if let text = entry._certmap.certificateDER, let der = Data(base64Encoded: text), let identity = try? CertificateIdentity(derEncoded: Array(der)) {
                certificates[identity.sha256.colonHex] = identity
            }
        }
        let context = Set(document.log.entries.filter { $0._certmap.context == true }.map(\._certmap.record.key))
        return ReplaySession(requests: document.log.entries.map(\._certmap.record), certificates: certificates, context: context)
    }

    /// When each entry's request started, by request key (`RequestRecord.key`) (entries without a readable time are
    /// left out: a replay then sends them without a recorded pause).
    public static func times(from document: HARDocument) -> [String: Date] {
        var times: [String: Date] = [:]
        for entry in document.log.entries where times[entry._certmap.record.key] == nil {
            if let time = EventJSON.date(from: entry.startedDateTime) {
                times[entry._certmap.record.key] = time
            }
        }
        return times
    }

    private static func query(of path: String) -> [HARDocument.NameValue] {
        guard let components = URLComponents(string: path), let items = components.queryItems else { return [] }
        return items.map { HARDocument.NameValue(name: $0.name, value: $0.value ?? "") }
    }
}
