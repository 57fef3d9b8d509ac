import CertMapCore
import Foundation

/// A dry-run replay of a whole journal in the same memory whatever its length: the journal is
/// read twice, never held.
///
/// 1. `plan` reads it once to learn which requests are chosen (`chooses`: the selector and
///    filter), which earlier requests of their connections come along as context (a selection
///    never starts a connection in the middle, as `ReplaySession.narrowed` has it), how many
///    there are, and the highest scenario load user they presented;
/// 2. `replay` reads it again and re-decides each chosen or context request as it comes, keeping
///    a connection's state only until its last chosen request and the report's rows up to a
///    limit (`ReplayReport.Builder`) while counting all of them.
///
/// What it decides is what `DryRunReplayer.replay(_:)` decides for the same selection
/// (`JournalReplayTests`).
public struct JournalReplay: Sendable {
    /// Requests chosen by the selection.
    public let chosen: Int
    /// Earlier requests of the chosen requests' connections, replayed as context.
    public let context: Int
    /// The highest `load-NN` scenario user among the requests to replay (0: none).
    public let highestLoadUser: Int
    /// Skipped spots met while planning.
    public let warnings: [String]
    private let journal: URL
    /// Per connection, the ordinal (among the journal's requests) of its last chosen request.
    private let lastChosen: [ConnectionKey: Int]
    /// The journal's certificates by SHA-256, collected while planning: a request can be
    /// recorded before its certificate's record (both are published as the request is decided),
    /// so the replay must not depend on meeting them in order.
    private let certificates: [String: CertificateIdentity]

    /// Whether a request, recorded at a time, is chosen.
    public typealias Chooser = @Sendable (RequestRecord, Date) -> Bool

    /// Reads `journal` once to plan a replay of the requests `chooses` picks.
    public static func plan(journal: URL, chooses: Chooser) throws -> JournalReplay {
        var ordinal = 0
        var lastChosen: [ConnectionKey: Int] = [:]
        var seen: [ConnectionKey: Int] = [:]
        var throughLastChosen: [ConnectionKey: Int] = [:]
        var chosenOn: [ConnectionKey: Int] = [:]
        var loadSoFar: [ConnectionKey: Int] = [:]
        var highestLoadUser = 0
        var certificates: [String: CertificateIdentity] = [:]
        let warnings = try JournalReader.stream(journal, traces: false) { event in
            if case .certificate(let stored) = event.kind, certificates[stored.sha256] == nil,
                let der = Data(base64Encoded: stored.der), let identity = try? CertificateIdentity(derEncoded: Array(der))
            {
                certificates[stored.sha256] = identity
            }
            guard case .request(let record) = event.kind else { return }
            defer { ordinal += 1 }
            let key = record.connectionKey
            seen[key, default: 0] += 1
            if let load = loadUser(record) { loadSoFar[key] = max(loadSoFar[key] ?? 0, load) }
            guard chooses(record, event.time) else { return }
            lastChosen[key] = ordinal
            throughLastChosen[key] = seen[key]
            chosenOn[key, default: 0] += 1
            highestLoadUser = max(highestLoadUser, loadSoFar[key] ?? 0)
        }
        let chosen = chosenOn.values.reduce(0, +)
        let context = throughLastChosen.values.reduce(0, +) - chosen
        return JournalReplay(
            chosen: chosen, context: context, highestLoadUser: highestLoadUser, warnings: warnings, journal: journal, lastChosen: lastChosen,
            certificates: certificates)
    }

    /// `load-NN` → NN, for a scenario load user's certificate.
    private static func loadUser(_ record: RequestRecord) -> Int? {
        guard let name = record.certificate?.commonName, name.hasPrefix("load-") else { return nil }
        return Int(name.dropFirst("load-".count))
    }

    /// Reads the journal again and re-decides the planned requests with `replayer`, in order.
    /// - Parameters:
    ///   - chooses: the same choice `plan` was made with.
    ///   - rows: rows the report keeps (every request is counted).
    public func replay(
        with replayer: DryRunReplayer, chooses: Chooser, rows: Int, control: ReplayControl? = nil, onOutcome: (@Sendable (ReplayOutcome) -> Void)? = nil
    ) async throws -> (report: ReplayReport, warnings: [String]) {
        var builder = ReplayReport.Builder(mode: replayer.persistence.description, generation: replayer.engine.generation, rows: rows)
        let planned = chosen + context
        var connections: [ConnectionKey: ConnectionAuthentication] = [:]
        var ordinal = 0
        // A replay re-decides from the request, never from the recorded trace.
        let cursor = try JournalCursor(journal, traces: false)
        while let batch = try cursor.nextBatch() {
            for event in batch {
                switch event.kind {
                case .request(let record):
                    defer { ordinal += 1 }
                    let key = record.connectionKey
                    guard let last = lastChosen[key], ordinal <= last else { continue }
                    let isChosen = chooses(record, event.time)
                    guard isChosen || ordinal < last else { continue }
                    if let control, await !control.proceed(recordedAt: event.time) {
                        return (builder.report(planned: planned, stopped: true), cursor.warnings)
                    }
                    var connection = connections[key] ?? ConnectionAuthentication(persistence: replayer.persistence)
                    let certificate = record.certificate.flatMap { certificates[$0.sha256] }
                    let outcome = await replayer.replay(record, certificate: certificate, context: !isChosen, on: &connection)
                    // A connection's state is needed until its last chosen request, not after.
                    connections[key] = ordinal == last ? nil : connection
                    builder.add(outcome)
                    onOutcome?(outcome)
                    await control?.answered()
                default:
                    continue
                }
            }
        }
        return (builder.report(planned: planned, stopped: false), cursor.warnings)
    }
}
