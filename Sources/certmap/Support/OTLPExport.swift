import CertMapCore
import CertMapJournal
import Foundation
import Logging
import OTel
import ServiceLifecycle
import Tracing

/// `certmap serve --otlp URL`: a span per decided request, exported with swift-otel over
/// OTLP/HTTP (protobuf) to a collector — the TLS semantic-convention attributes of the client
/// certificate and certmap's own (`certmap.decision`, `certmap.substatus`, `certmap.account`,
/// `certmap.mapping`, `certmap.cause`, `certmap.trace_id`). Spans are made from the event bus
/// in batches, off the request path, with the request's own start and end times.
final class OTLPExport: Sendable {
    private let services: ServiceGroup
    private let running: Task<Void, Never>
    private let following: Task<Void, Never>
    private let batches: EventBatches

    /// - Parameter endpoint: the collector's base URL (`http://127.0.0.1:4318`); spans go to `/v1/traces`.
    init(endpoint: String, events: EventBus) throws {
        var configuration = OTel.Configuration.default
        configuration.serviceName = "certmap"
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        configuration.diagnosticLogger = .custom(Logger(label: "certmap.otlp") { _ in SwiftLogNoOpLogHandler() })
        configuration.traces.otlpExporter.endpoint = endpoint.hasSuffix("/v1/traces") ? endpoint : endpoint.trimmingSuffix("/") + "/v1/traces"
        configuration.traces.batchSpanProcessor.scheduleDelay = .milliseconds(500)
        let (tracer, service) = try OTel.makeTracingBackend(configuration: configuration)
        services = ServiceGroup(services: [service], gracefulShutdownSignals: [], cancellationSignals: [], logger: Logger(label: "certmap.otlp") { _ in SwiftLogNoOpLogHandler() })
        let services = self.services
        running = Task { try? await services.run() }
        let batches = EventBatches(bus: events, interval: .milliseconds(200)) { kind in
            switch kind {
            case .request, .connectionOpened: return true
            default: return false
            }
        }
        self.batches = batches
        following = Task {
            var connections: [ConnectionKey: (version: String?, resumed: Bool?)] = [:]
            for await batch in batches {
                for event in batch {
                    switch event.kind {
                    case .connectionOpened(let opened):
                        if connections.count > 100_000 { connections.removeAll() }
                        connections[ConnectionKey(run: nil, connection: opened.connection)] = (opened.tlsVersion, opened.resumed)
                    case .request(let record):
                        let connection = connections[ConnectionKey(run: nil, connection: record.connection)]
                        Self.span(for: record, at: event.time, tlsVersion: connection?.version, resumed: connection?.resumed, tracer: tracer)
                    default:
                        break
                    }
                }
            }
        }
    }

    /// One span per request: `GET /path`, kind server, from the head's arrival to the decision.
    private static func span(for record: RequestRecord, at time: Date, tlsVersion: String?, resumed: Bool?, tracer: some Tracer) {
        let end = EventInstant(time)
        let start = EventInstant(nanosecondsSinceEpoch: end.nanosecondsSinceEpoch &- UInt64(max(0, record.durationMicros)) * 1000)
        let span = tracer.startSpan("\(record.method) \(record.path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? record.path)", context: ServiceContext.topLevel, ofKind: .server, at: start)
        let decision = record.decision
        span.updateAttributes { attributes in
            attributes["http.request.method"] = record.method
            attributes["url.path"] = record.path
            attributes["http.response.status_code"] = Int64(decision.status)
            attributes["client.address"] = record.peer
            attributes["certmap.decision"] = decision.statusText
            attributes["certmap.substatus"] = Int64(decision.substatus ?? 0)
            attributes["certmap.cause"] = decision.reason.rawValue
            attributes["certmap.trace_id"] = record.traceID
            attributes["certmap.route"] = record.route
            attributes["certmap.mode"] = record.mode
            if let account = decision.account { attributes["certmap.account"] = account }
            if let mapping = decision.mapping { attributes["certmap.mapping"] = mapping }
            if let certificate = record.certificate {
                attributes["tls.client.subject"] = certificate.subject
                attributes["tls.client.issuer"] = certificate.issuer
                attributes["tls.client.hash.sha256"] = certificate.sha256.replacingOccurrences(of: ":", with: "")
                attributes["tls.client.not_before"] = RFC3339Time.string(certificate.notValidBefore)
                attributes["tls.client.not_after"] = RFC3339Time.string(certificate.notValidAfter)
            }
            if let resumed { attributes["tls.resumed"] = resumed }
            if let tlsVersion, tlsVersion.hasPrefix("TLSv") {
                attributes["tls.protocol.name"] = "tls"
                attributes["tls.protocol.version"] = String(tlsVersion.dropFirst(4))
            }
        }
        if !decision.isAllowed {
            span.setStatus(SpanStatus(code: .error, message: "\(decision.statusText) \(decision.reason.rawValue)"))
        }
        span.end(at: end)
    }

    /// Exports what is left and stops.
    func stop() async {
        batches.cancel()
        await following.value
        await services.triggerGracefulShutdown()
        await running.value
    }
}

/// A point in time for a span: the event's wall-clock time, not the tracer's clock.
struct EventInstant: TracerInstant {
    let nanosecondsSinceEpoch: UInt64

    init(nanosecondsSinceEpoch: UInt64) {
        self.nanosecondsSinceEpoch = nanosecondsSinceEpoch
    }

    init(_ date: Date) {
        self.nanosecondsSinceEpoch = UInt64(max(0, date.timeIntervalSince1970) * 1_000_000_000)
    }

    static func < (lhs: EventInstant, rhs: EventInstant) -> Bool {
        lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
