import CertMapCore
import Foundation

/// Named sessions on disk: `<home>/sessions/NAME.har`, self-contained HAR 1.2 files (with the
/// certificates), so a session outlives journal rotation and can be shared or replayed anywhere.
///
/// The command line (`certmap sessions`) and the console's Sessions screen both go through it.
public struct SessionStore: Sendable {
    public let directory: URL

    public init(home: DataHome) {
        self.directory = home.url.appendingPathComponent("sessions")
    }

    /// Letters, digits, `-`, `_` and `.`, not starting with a dot.
    public static func validate(name: String) throws(SessionStoreError) {
        guard !name.isEmpty, name.count <= 100, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }), !name.hasPrefix(".") else {
            throw SessionStoreError("session names may contain letters, digits, '-', '_' and '.' (got \"\(name)\")")
        }
    }

    public func file(_ name: String) -> URL { directory.appendingPathComponent("\(name).har") }

    public func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name).path) }

    /// Writes the session atomically (0600: it holds certificates, never keys).
    public func save(_ session: ReplaySession, times: [String: Date], as name: String) throws {
        try Self.validate(name: name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try AtomicFileWriter(permissions: 0o600).write(HARWriter.data(from: session, times: times), to: file(name))
    }

    /// Starts writing a session entry by entry (0600, in place only at `commit()`): for
    /// sessions too large to hold, such as an imported access log.
    public func begin(_ name: String) throws -> SessionDraft {
        try Self.validate(name: name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let draft = try AtomicFileWriter(permissions: 0o600).begin(file(name))
        return try SessionDraft(draft: draft)
    }

    /// The HAR document of a session.
    public func document(_ name: String) throws -> HARDocument {
        try Self.validate(name: name)
        let url = file(name)
        guard FileManager.default.fileExists(atPath: url.path) else { throw SessionStoreError("no session named \"\(name)\" (\(url.path))") }
        do {
            return try HARDocument.read(from: url)
        } catch {
            throw SessionStoreError("\(error)")
        }
    }

    public func load(_ name: String) throws -> ReplaySession {
        HARConversion.session(from: try document(name))
    }

    /// The session and when each of its requests was recorded (for a paced replay).
    public func loadWithTimes(_ name: String) throws -> (session: ReplaySession, times: [String: Date]) {
        let document = try document(name)
        return (HARConversion.session(from: document), HARConversion.times(from: document))
    }

    public func delete(_ name: String) throws {
        try Self.validate(name: name)
        let url = file(name)
        guard FileManager.default.fileExists(atPath: url.path) else { throw SessionStoreError("no session named \"\(name)\" (\(url.path))") }
        try FileManager.default.removeItem(at: url)
    }

    /// Every saved session, by name, with what it holds (unreadable files are listed as such).
    public func list() -> [SessionSummary] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".har") }.sorted()
        return names.map { file in
            let name = String(file.dropLast(4))
            guard let document = try? document(name) else { return SessionSummary(name: name, requests: 0, connections: 0, decisions: [], unreadable: true) }
            let records = document.log.entries.map(\._certmap.record)
            let decisions = Dictionary(grouping: records, by: \.decision.statusText).map { ($0.key, $0.value.count) }.sorted { $0.0 < $1.0 }
            return SessionSummary(name: name, requests: records.count, connections: Set(records.map(\.connection)).count, decisions: decisions.map { "\($0.1)×\($0.0)" }, unreadable: false)
        }
    }
}

/// One line of the session list.
public struct SessionSummary: Hashable, Sendable {
    public let name: String
    public let requests: Int
    public let connections: Int
    /// `3×200`, `2×401.2`.
    public let decisions: [String]
    public let unreadable: Bool

    public init(name: String, requests: Int, connections: Int, decisions: [String], unreadable: Bool) {
        self.name = name
        self.requests = requests
        self.connections = connections
        self.decisions = decisions
        self.unreadable = unreadable
    }
}

/// Why a session could not be named, found, read or written; one line.
public struct SessionStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// A session being written (see `SessionStore.begin`): requests appended in order, nothing in
/// place until `commit()`; dropped without it, the session is not saved and any older session
/// of that name is untouched.
public final class SessionDraft {
    private let draft: AtomicFileWriter.Draft
    private var stream = HARStream()
    public private(set) var requests = 0

    init(draft: AtomicFileWriter.Draft) throws {
        self.draft = draft
        try draft.append(stream.header())
    }

    public func append(_ record: RequestRecord, certificate: CertificateIdentity?, time: Date?) throws {
        try draft.append(stream.entry(record, certificate: certificate, time: time))
        requests += 1
    }

    public func commit() throws {
        try draft.append(stream.footer())
        try draft.commit()
    }
}
