import CertMapCore
import CertMapJournal
import NIOConcurrencyHelpers
import Prometheus

/// certmap's Prometheus metrics (swift-prometheus), counted from the event bus as events are
/// published — a sink on the publisher's thread that only increments, so scraping costs the
/// server nothing per request — and, for what is a state rather than an event (configuration
/// generation, journal bytes, dropped events), read when scraped.
///
/// Labels are bounded: status and substatus are IIS's, route and mode certmap's few values, a
/// TLS failure's reason one of `TLSFailureText`'s short names; never a subject, path or peer.
public final class ServerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let service: AuthenticationService
    private let journalBytes: @Sendable () -> UInt64?
    private let journalUnrecorded: @Sendable () -> UInt64?
    private let requestCounters = NIOLockedValueBox<[RequestLabels: Counter]>([:])
    private let handshakeFailures = NIOLockedValueBox<[String: Counter]>([:])
    private let decisionSeconds: DurationHistogram
    private let misattributed: Counter
    private let spoofed: Counter
    private let generation: Gauge
    private let journal: Gauge
    private let unrecorded: Gauge
    private let dropped: Gauge
    private let staleCRLs: Gauge
    private let subscription = NIOLockedValueBox<EventSinkSubscription?>(nil)

    private struct RequestLabels: Hashable {
        let status: String
        let substatus: String
        let route: String
        let mode: String
    }

    /// Starts counting `service`'s events.
    /// - Parameters:
    ///   - journalBytes: bytes the journal has written (nil without a journal).
    ///   - journalUnrecorded: events the journal could not write (a full disk; nil without a journal).
    public init(
        service: AuthenticationService, journalBytes: @escaping @Sendable () -> UInt64? = { nil },
        journalUnrecorded: @escaping @Sendable () -> UInt64? = { nil }
    ) {
        self.service = service
        self.journalBytes = journalBytes
        self.journalUnrecorded = journalUnrecorded
        decisionSeconds = registry.makeDurationHistogram(
            name: "certmap_decision_seconds",
            buckets: [.microseconds(25), .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
                      .milliseconds(5), .milliseconds(25), .milliseconds(100), .seconds(1)],
            help: "Time from a request's head to certmap's decision")
        misattributed = registry.makeCounter(name: "certmap_misattributed_total", help: "Requests answered with an identity their own certificate does not map to")
        spoofed = registry.makeCounter(name: "certmap_spoofed_headers_total", help: "Requests whose forwarded-certificate headers came from a peer that may not forward (stripped)")
        generation = registry.makeGauge(name: "certmap_config_generation", help: "The configuration generation in force")
        journal = registry.makeGauge(name: "certmap_journal_bytes", help: "Bytes the journal has written (compressed)")
        unrecorded = registry.makeGauge(name: "certmap_journal_unrecorded_events", help: "Events the journal could not write (a full disk) since the server started")
        dropped = registry.makeGauge(name: "certmap_dropped_events", help: "Events subscribers lost because they fell behind")
        staleCRLs = registry.makeGauge(name: "certmap_stale_crls", help: "Configured CRLs past their nextUpdate (revocations after it are unknown)")
        let sink = service.events.subscribe(wants: Self.counted) { [weak self] event in
            self?.count(event)
            return true
        }
        subscription.withLockedValue { $0 = sink }
    }

    @Sendable private static func counted(_ kind: CertMapEvent.Kind) -> Bool {
        switch kind {
        case .request, .security: return true
        default: return false
        }
    }

    private func count(_ event: CertMapEvent) {
        switch event.kind {
        case .request(let record):
            let decision = record.decision
            let labels = RequestLabels(status: String(decision.status), substatus: decision.substatus.map(String.init) ?? "", route: record.route, mode: record.mode)
            requestCounter(labels).increment()
            decisionSeconds.record(.microseconds(record.durationMicros))
            if decision.facts?.misattribution != nil { misattributed.increment() }
        case .security(let security):
            switch security.category {
            case .spoof: spoofed.increment()
            case .tls: handshakeFailureCounter(security.reason ?? "other").increment()
            default: break
            }
        default:
            break
        }
    }

    private func requestCounter(_ labels: RequestLabels) -> Counter {
        requestCounters.withLockedValue { counters in
            if let counter = counters[labels] { return counter }
            let counter = registry.makeCounter(
                name: "certmap_requests_total",
                labels: [("status", labels.status), ("substatus", labels.substatus), ("route", labels.route), ("mode", labels.mode)],
                help: "Requests decided, by IIS status and substatus, route and authentication persistence mode")
            counters[labels] = counter
            return counter
        }
    }

    private func handshakeFailureCounter(_ reason: String) -> Counter {
        handshakeFailures.withLockedValue { counters in
            if let counter = counters[reason] { return counter }
            let counter = registry.makeCounter(name: "certmap_tls_handshake_failures_total", labels: [("reason", reason)], help: "TLS handshakes that failed, by reason")
            counters[reason] = counter
            return counter
        }
    }

    /// The metrics in Prometheus' text exposition format, the states read now.
    public func exposition() -> [UInt8] {
        generation.set(Double(service.configuration.current.generation))
        dropped.set(Double(service.events.droppedEvents))
        staleCRLs.set(Double(service.staleCRLCount))
        if let bytes = journalBytes() { journal.set(Double(bytes)) }
        if let lost = journalUnrecorded() { unrecorded.set(Double(lost)) }
        return registry.emitToBuffer()
    }

    /// Stops counting.
    public func stop() {
        subscription.withLockedValue { $0?.cancel() }
    }
}
