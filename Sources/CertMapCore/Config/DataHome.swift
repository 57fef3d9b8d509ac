import Foundation

/// The data directory that holds the configuration, demo PKI and (later) the journal.
///
/// Resolved as docs/design.md §2 says: `--home DIR`, else `$CERTMAP_HOME`, else `$XDG_DATA_HOME/certmap`,
/// else `~/.local/share/certmap`.
public struct DataHome: Hashable, Sendable {
    public let url: URL

    public init(url: URL) {
        self.url = url.standardizedFileURL
    }

    public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> DataHome {
        if let explicit, !explicit.isEmpty {
            return DataHome(url: URL(fileURLWithPath: explicit))
        }
        if let home = environment["CERTMAP_HOME"], !home.isEmpty {
            return DataHome(url: URL(fileURLWithPath: home))
        }
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
            return DataHome(url: URL(fileURLWithPath: xdg).appendingPathComponent("certmap"))
        }
        let userHome = environment["HOME"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.homeDirectoryForCurrentUser
        return DataHome(url: userHome.appendingPathComponent(".local/share/certmap"))
    }

    public var configFile: URL { url.appendingPathComponent("config.json") }
    public var pkiDirectory: URL { url.appendingPathComponent("pki") }
    public var journalDirectory: URL { url.appendingPathComponent("journal") }

    /// Resolves a path from the configuration: absolute as is, relative to the home otherwise.
    public func resolve(_ path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : url.appendingPathComponent(path)
    }

    /// Creates the directory (mode 0700: it holds private keys) if it does not exist.
    public func create() throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ConfigError.io(file: url.path, detail: "cannot create the data directory: \(PeopleText.describe(fileSystem: error))")
        }
    }
}
