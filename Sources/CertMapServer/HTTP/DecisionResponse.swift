import CertMapCore
import NIOCore
import NIOHTTP1

/// Turns a decision into the HTTP response certmap sends: status, the `X-CertMap-*` headers
/// (docs/design.md §5) and a short text body saying the same for people. Content-Length is always set so
/// HTTP/1.0 and 1.1 keep-alive both work.
enum DecisionResponse {
    static func head(for decision: Decision, traceID: String, version: HTTPVersion, keepAlive: Bool, bodyLength: Int) -> HTTPResponseHead {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: String(bodyLength))
        headers.add(name: "X-CertMap-Decision", value: decision.statusText)
        headers.add(name: "X-CertMap-Reason", value: decision.reason.rawValue)
        headers.add(name: "X-CertMap-Trace", value: traceID)
        if let account = decision.account {
            headers.add(name: "X-CertMap-Account", value: account)
        }
        connectionHeader(into: &headers, version: version, keepAlive: keepAlive)
        return HTTPResponseHead(version: version, status: .init(statusCode: decision.status), headers: headers)
    }

    static func body(for decision: Decision, traceID: String) -> String {
        let who = decision.account.map { " as \($0)" } ?? ""
        return """
            \(decision.statusText)\(who): \(decision.summary)
            reason: \(decision.reason.rawValue)
            trace: \(traceID) (find it in the console or in certmap serve's event log)

            """
    }

    /// A plain error response (400, 408, 413, 431) for input the pipeline never got to judge.
    static func error(_ status: HTTPResponseStatus, message: String, version: HTTPVersion) -> (HTTPResponseHead, String) {
        let body = "\(status.code) \(status.reasonPhrase): \(message)\n"
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: String(body.utf8.count))
        connectionHeader(into: &headers, version: version, keepAlive: false)
        return (HTTPResponseHead(version: version, status: status, headers: headers), body)
    }

    private static func connectionHeader(into headers: inout HTTPHeaders, version: HTTPVersion, keepAlive: Bool) {
        if !keepAlive {
            headers.add(name: "Connection", value: "close")
        } else if version.major == 1 && version.minor == 0 {
            headers.add(name: "Connection", value: "keep-alive")
        }
    }
}
