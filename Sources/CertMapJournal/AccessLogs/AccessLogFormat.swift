import CertMapCore
import Foundation

/// The proxies whose access logs certmap reads (`certmap logformat`, `certmap import log`), and
/// for each the configuration that makes its log carry what certmap needs: the client
/// certificate itself (certmap maps from the certificate, never from a DN string), the proxy's
/// verdict on it where the proxy has one, a connection key and the request's number on it where
/// the proxy has them, time, method, URI and status — one JSON object per line.
///
/// The variables are each proxy's own (docs/log-import.md cites where each is documented) and the
/// tests run nginx, HAProxy and Caddy with exactly the lines printed here.
public enum AccessLogFormat: String, CaseIterable, Sendable {
    case nginx, haproxy, caddy, envoy

    /// The configuration lines to add, with the access log written to `logPath`.
    public func configuration(logPath: String) -> String {
        switch self {
        case .nginx:
            return """
                # certmap logformat nginx — nginx 1.11.6 or later.
                # In the http { } block:
                log_format certmap escape=json
                    '{"msec":"$msec","conn":"$connection","conn_req":"$connection_requests",'
                    '"remote":"$remote_addr:$remote_port","method":"$request_method","uri":"$request_uri","status":"$status",'
                    '"verify":"$ssl_client_verify","s_dn":"$ssl_client_s_dn","sha1":"$ssl_client_fingerprint",'
                    '"cert":"$ssl_client_escaped_cert"}';

                # In the server { } block that terminates TLS (optional_no_ca: every certificate reaches the
                # log with nginx's verdict, so certmap sees the refused ones too):
                ssl_verify_client optional_no_ca;
                access_log \(logPath) certmap;

                """
        case .haproxy:
            return """
                # certmap logformat haproxy — HAProxy 2.2 or later.
                # In the global section (len: lines carrying a certificate are longer than the default 1024
                # bytes, which HAProxy would cut without a mark). This logs to standard output; for a file,
                # point a "log" line at syslog, or run haproxy with its standard output redirected:
                log stdout len 65535 format raw local0 info

                # In the frontend that terminates TLS; its bind line needs
                #   ssl crt SERVER.pem verify optional ca-file CA.pem crt-ignore-err all ca-ignore-err all
                # so that every certificate reaches the log with HAProxy's verdict (the log file: \(logPath)).
                log global
                tcp-request session set-var(sess.certmap_conn) uuid
                http-request set-var(sess.certmap_req) var(sess.certmap_req,0),add(1)
                log-format '{"ts":"%Ts.%ms","conn":"%[var(sess.certmap_conn)]","conn_req":%[var(sess.certmap_req,0)],"remote":"%ci:%cp","method":"%HM","uri":"%[capture.req.uri,json(utf8s)]","status":%ST,"c_used":%[ssl_c_used],"verify":%[ssl_c_verify],"s_dn":"%[ssl_c_s_dn(,0,rfc2253),json(utf8s)]","cert":"%[ssl_c_der,base64]"}'

                """
        case .caddy:
            return """
                # certmap logformat caddy — Caddy 2.6 or later. Caddy logs no verdict, connection id or request
                # number: certmap verifies the certificate itself and groups requests by client address and port.
                # Before Caddy 2.8 the only way to get the certificate into the access log is to copy it into
                # a response header, which the log records (the client sees its own certificate there).
                # In the site block (a host name site address: with client_auth Caddy requires SNI):
                tls SERVER.pem SERVER.key {
                	client_auth {
                		mode request
                	}
                }
                header {
                	defer
                	X-Certmap-Cert {http.request.tls.client.certificate_der_base64}
                }
                log {
                	output file \(logPath)
                	format json
                }

                """
        case .envoy:
            return """
                # certmap logformat envoy — Envoy's file access logger in the HTTP connection manager.
                # Envoy logs no verdict: certmap verifies the certificate itself.
                access_log:
                - name: envoy.access_loggers.file
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
                    path: \(logPath)
                    log_format:
                      json_format:
                        time: "%START_TIME(%Y-%m-%dT%H:%M:%S.%3fZ)%"
                        conn: "%CONNECTION_ID%"
                        remote: "%DOWNSTREAM_REMOTE_ADDRESS%"
                        method: "%REQ(:METHOD)%"
                        path: "%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%"
                        status: "%RESPONSE_CODE%"
                        subject: "%DOWNSTREAM_PEER_SUBJECT%"
                        cert: "%DOWNSTREAM_PEER_CERT%"

                """
        }
    }

    /// Reads one line of this format's log (as `configuration` asks for it). `certificates`
    /// remembers the certificates already decoded, by their text in the log: a log repeats the
    /// same few certificates on every line, and decoding one is most of a line's cost.
    public func entry(from line: String, certificates: inout CertificateTextCache) throws(AccessLogLineError) -> AccessLogEntry {
        guard let object = Self.object(line) else { throw .notJSON }
        let fields = JSONFields(object)
        switch self {
        case .nginx:
            let verify = fields.text("verify")
            return AccessLogEntry(
                time: fields.number("msec").map { Date(timeIntervalSince1970: $0) }, connection: fields.text("conn"),
                requestOnConnection: fields.number("conn_req").map { Int($0) }, client: fields.text("remote") ?? "?",
                method: try fields.required("method"), uri: try fields.required("uri"), status: try fields.status("status"),
                certificate: try certificates.identity(fields.text("cert"), decode: Self.pem(escaped:)), verify: verify == "NONE" ? nil : verify, subject: fields.text("s_dn"))
        case .haproxy:
            let used = fields.number("c_used") == 1
            let code = fields.number("verify").map { Int($0) } ?? 0
            return AccessLogEntry(
                time: fields.number("ts").map { Date(timeIntervalSince1970: $0) }, connection: fields.text("conn"),
                requestOnConnection: fields.number("conn_req").map { Int($0) }, client: fields.text("remote") ?? "?",
                method: try fields.required("method"), uri: try fields.required("uri"), status: try fields.status("status"),
                certificate: try certificates.identity(fields.text("cert"), decode: Self.der(base64:)), verify: used ? (code == 0 ? "SUCCESS" : "FAILED:X509 error \(code)") : nil,
                subject: used ? fields.text("s_dn") : nil)
        case .caddy:
            let address = [fields.text("request.remote_ip"), fields.text("request.remote_port")].compactMap { $0 }.joined(separator: ":")
            return AccessLogEntry(
                time: fields.number("ts").map { Date(timeIntervalSince1970: $0) }, connection: address.isEmpty ? nil : address,
                requestOnConnection: nil, client: address.isEmpty ? "?" : address,
                method: try fields.required("request.method"), uri: try fields.required("request.uri"), status: try fields.status("status"),
                certificate: try certificates.identity(fields.text("resp_headers.X-Certmap-Cert"), decode: Self.der(base64:)), verify: nil,
                subject: fields.text("request.tls.client_common_name").map { "CN=\($0)" })
        case .envoy:
            return AccessLogEntry(
                time: fields.text("time").flatMap(EventJSON.date(from:)), connection: fields.text("conn"), requestOnConnection: nil,
                client: fields.text("remote") ?? "?", method: try fields.required("method"), uri: try fields.required("path"),
                status: try fields.status("status"), certificate: try certificates.identity(fields.text("cert"), decode: Self.pem(escaped:)), verify: nil, subject: fields.text("subject"))
        }
    }

    /// The line's JSON object, as `JSONSerialization` would give it (strings, `NSNumber`s,
    /// dictionaries, arrays, `NSNull`), read by `JSONCursor` — a third of an import's time went
    /// into `JSONSerialization` — and by `JSONSerialization` itself when the cursor meets
    /// something it does not read (an escape in a key, a number it does not take).
    static func object(_ line: String) -> [String: Any]? {
        var line = line
        let read: [String: Any]?? = line.withUTF8 { buffer in
            var cursor = JSONCursor(UnsafeRawBufferPointer(buffer))
            do {
                guard try cursor.peek() == UInt8(ascii: "{"), let object = try cursor.anyValue() as? [String: Any] else { return .some(nil) }
                cursor.skipWhitespace()
                return cursor.isAtEnd ? .some(object) : .some(nil)
            } catch {
                return nil
            }
        }
        if let read { return read }
        return (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
    }

    /// URL-encoded PEM (nginx `$ssl_client_escaped_cert`, Envoy `%DOWNSTREAM_PEER_CERT%`).
    private static func pem(escaped: String) throws(AccessLogLineError) -> CertificateIdentity? {
        guard let pem = escaped.removingPercentEncoding else { throw .certificate("the certificate's %-escapes are malformed") }
        do {
            return try CertificateLoader.certificates(from: Array(pem.utf8), source: "the certificate").first
        } catch {
            throw .certificate("\(error)")
        }
    }

    /// Base64 DER (HAProxy `ssl_c_der,base64`, Caddy `certificate_der_base64`).
    private static func der(base64: String) throws(AccessLogLineError) -> CertificateIdentity? {
        guard let der = Data(base64Encoded: base64) else { throw .certificate("the certificate is not base64") }
        do {
            return try CertificateIdentity(derEncoded: Array(der))
        } catch {
            throw .certificate("the certificate is not a DER X.509 certificate (\(error))")
        }
    }

}

/// Certificates decoded from an access log, by their text in it (bounded: a log with more
/// distinct certificates than `capacity` decodes the rest every time).
public struct CertificateTextCache {
    private var identities: [String: CertificateIdentity] = [:]
    public let capacity: Int

    public init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    mutating func identity(_ text: String?, decode: (String) throws(AccessLogLineError) -> CertificateIdentity?) throws(AccessLogLineError) -> CertificateIdentity? {
        guard let text else { return nil }
        if let known = identities[text] { return known }
        let identity = try decode(text)
        if let identity, identities.count < capacity { identities[text] = identity }
        return identity
    }
}

/// One request read from a proxy's access log.
public struct AccessLogEntry: Sendable {
    public var time: Date?
    /// What identifies the TCP connection in this log (nginx `$connection`, HAProxy's session
    /// uuid, Caddy's client address and port), if anything does.
    public var connection: String?
    /// The request's number on its connection, where the proxy counts them.
    public var requestOnConnection: Int?
    public var client: String
    public var method: String
    public var uri: String
    public var status: Int
    /// The client certificate, when the line carries it.
    public var certificate: CertificateIdentity?
    /// The proxy's verdict on the certificate (`SUCCESS`, `FAILED:…`), where it logs one.
    public var verify: String?
    /// The certificate's subject as the proxy logged it (evidence only: never mapped from).
    public var subject: String?
}

/// Why a line could not be read.
public enum AccessLogLineError: Error, Hashable, Sendable, CustomStringConvertible {
    case notJSON
    case missing(String)
    case badStatus(String)
    case certificate(String)

    public var description: String {
        switch self {
        case .notJSON: return "not a JSON object (is this the format certmap logformat prints?)"
        case .missing(let field): return "no \"\(field)\""
        case .badStatus(let text): return "status \"\(text)\" is not an HTTP status"
        case .certificate(let detail): return "unreadable certificate: \(detail)"
        }
    }
}

/// Field access on a parsed line: dotted paths into nested objects, the first element of an
/// array (Caddy's header lists), and the proxies' ways of saying "nothing" (`""`, `-`, null, a
/// Caddy placeholder left unreplaced) read as absent.
private struct JSONFields {
    let object: [String: Any]

    init(_ object: [String: Any]) { self.object = object }

    func value(_ path: String) -> Any? {
        var current: Any? = object
        for key in path.split(separator: ".") {
            current = (current as? [String: Any])?[String(key)]
            if let array = current as? [Any] { current = array.first }
        }
        return current
    }

    func text(_ path: String) -> String? {
        switch value(path) {
        case let string as String:
            return string.isEmpty || string == "-" || string.hasPrefix("{http.") ? nil : string
        case let number as NSNumber:
            return number.stringValue
        default:
            return nil
        }
    }

    func number(_ path: String) -> Double? {
        switch value(path) {
        case let number as NSNumber: return number.doubleValue
        case let string as String: return Double(string)
        default: return nil
        }
    }

    func required(_ path: String) throws(AccessLogLineError) -> String {
        guard let text = text(path) else { throw .missing(path) }
        return text
    }

    func status(_ path: String) throws(AccessLogLineError) -> Int {
        guard let text = text(path) else { throw .missing(path) }
        guard let status = Int(text), (100...599).contains(status) else { throw .badStatus(text) }
        return status
    }
}
