import CertMapCore

extension AuthenticationService {
    /// Saves an edited configuration and applies it live — the one path for every editor (the
    /// console, an attached console through the admin socket): validated first; written only if
    /// `config.json` still holds `base`, the document the edit started from (else
    /// `ConfigError.changedOnDisk` with what the other writer changed, and nothing is written);
    /// then applied as the next generation.
    /// - Parameter source: who saved it, for the event ("saved from the console").
    public func saveAndApply(_ document: ConfigDocument, editedFrom base: ConfigDocument, source: String) throws -> ConfigSnapshot {
        let issues = ConfigValidator.validate(document)
        guard issues.isEmpty else { throw ConfigEditRefused(issues: issues.map(\.description)) }
        // Written and applied as one step for the file watcher, which is told of the write at
        // once: it must see the saved file as the configuration in force, not as someone
        // else's change to apply first.
        return try edits.withLock {
            try ConfigStore(home: home).save(document, editedFrom: base)
            return try apply(document, source: source, changes: ConfigMerge.changes(from: base, to: document))
        }
    }
}

/// An edited configuration that does not validate; nothing was written.
public struct ConfigEditRefused: Error, CustomStringConvertible {
    public let issues: [String]
    public var description: String { "not saved: \(issues.joined(separator: "; "))" }
}
