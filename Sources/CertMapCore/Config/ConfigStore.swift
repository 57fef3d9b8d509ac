import Foundation

/// Loads and saves `<home>/config.json`.
///
/// Saves validate first, refuse to replace a file that does not itself load (it may hold the
/// operator's unsaved hand edits), write atomically and keep numbered backups
/// (`config.json.1` newest). A failed save changes nothing on disk.
public struct ConfigStore: Sendable {
    public let home: DataHome
    public var backups: Int

    public init(home: DataHome, backups: Int = 5) {
        self.home = home
        self.backups = backups
    }

    public var file: URL { home.configFile }

    /// Whether a configuration file exists.
    public var exists: Bool { FileManager.default.fileExists(atPath: file.path) }

    /// Reads, decodes and validates the configuration.
    public func load() throws -> ConfigDocument {
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw ConfigError.io(file: file.path, detail: "cannot read: \(PeopleText.describe(fileSystem: error))")
        }
        return try ConfigCodec.decode(data, file: file.path)
    }

    /// Loads and compiles the configuration as generation `generation`.
    public func loadSnapshot(generation: UInt64 = 1) throws -> ConfigSnapshot {
        try ConfigSnapshot(document: load(), generation: generation, file: file.path)
    }

    /// Validates and atomically writes `document`, backing up the previous file, whatever the
    /// file holds now (first run, `pki init`). Editors use `save(_:editedFrom:)` or `update`.
    public func save(_ document: ConfigDocument) throws {
        try ConfigFileLock.withLock(home) {
            _ = try currentRefusingBroken()
            try write(document)
        }
    }

    /// Saves `document`, which was edited from `base`, only when the file still holds `base`.
    /// When another writer saved in between, nothing is written and `.changedOnDisk` carries
    /// what is there now and what changed, so the editor can merge or ask.
    public func save(_ document: ConfigDocument, editedFrom base: ConfigDocument) throws {
        try ConfigFileLock.withLock(home) {
            if let current = try currentRefusingBroken(), current != base {
                throw ConfigError.changedOnDisk(file: file.path, current: current, changes: ConfigMerge.changes(from: base, to: current))
            }
            try write(document)
        }
    }

    /// Loads the file, lets `change` edit it and saves the result, holding the writers' lock
    /// throughout so no other save can land in between. Returns what `change` returns.
    @discardableResult
    public func update<Result>(_ change: (inout ConfigDocument) throws -> Result) throws -> Result {
        try ConfigFileLock.withLock(home) {
            var document = try load()
            let result = try change(&document)
            try write(document)
            return result
        }
    }

    /// The document on disk (nil when there is none); a file that does not load is never
    /// overwritten (it may hold the operator's unsaved hand edits).
    private func currentRefusingBroken() throws -> ConfigDocument? {
        guard exists else { return nil }
        do {
            return try load()
        } catch let error as ConfigError {
            throw ConfigError.refusingToOverwrite(file: file.path, detail: Self.firstLine(of: error))
        }
    }

    private func write(_ document: ConfigDocument) throws {
        let issues = ConfigValidator.validate(document)
        guard issues.isEmpty else { throw ConfigError.invalid(file: file.path, issues: issues) }
        try home.create()
        try AtomicFileWriter(permissions: 0o600, backups: backups).write(ConfigCodec.encode(document), to: file)
    }

    private static func firstLine(of error: ConfigError) -> String {
        let text = error.description
        let withoutFile = text.hasPrefix("/") ? String(text.drop { $0 != " " }.dropFirst()) : text
        return withoutFile.split(separator: "\n").first.map(String.init) ?? withoutFile
    }
}
