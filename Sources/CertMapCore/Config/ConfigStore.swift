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
            throw ConfigError.io(file: file.path, detail: "cannot read: \(error.localizedDescription)")
        }
        return try ConfigCodec.decode(data, file: file.path)
    }

    /// Loads and compiles the configuration as generation `generation`.
    public func loadSnapshot(generation: UInt64 = 1) throws -> ConfigSnapshot {
        try ConfigSnapshot(document: load(), generation: generation, file: file.path)
    }

    /// Validates and atomically writes `document`, backing up the previous file.
    public func save(_ document: ConfigDocument) throws {
        let issues = ConfigValidator.validate(document)
        guard issues.isEmpty else { throw ConfigError.invalid(file: file.path, issues: issues) }
        if exists {
            do {
                _ = try load()
            } catch let error as ConfigError {
                throw ConfigError.refusingToOverwrite(file: file.path, detail: Self.firstLine(of: error))
            }
        }
        try home.create()
        try AtomicFileWriter(permissions: 0o600, backups: backups).write(ConfigCodec.encode(document), to: file)
    }

    private static func firstLine(of error: ConfigError) -> String {
        let text = error.description
        let withoutFile = text.hasPrefix("/") ? String(text.drop { $0 != " " }.dropFirst()) : text
        return withoutFile.split(separator: "\n").first.map(String.init) ?? withoutFile
    }
}
