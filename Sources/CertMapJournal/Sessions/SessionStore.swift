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
