import Foundation

/// First-run setup: makes an empty data directory usable (docs/design.md §2).
///
/// Creates the demo PKI when there is none and the demo configuration when there is no
/// `config.json`. An existing configuration — even one that does not load — is never touched.
public enum HomeBootstrap {
    /// Returns one line per thing created (empty when the home was already set up).
    public static func prepare(_ home: DataHome, now: Date) throws -> [String] {
        let store = ConfigStore(home: home)
        guard !store.exists else { return [] }
        var created: [String] = []
        try home.create()
        let bundle = home.pkiDirectory.appendingPathComponent("ca-bundle.pem")
        if !FileManager.default.fileExists(atPath: bundle.path) {
            _ = try DemoPKI.initialize(in: home.pkiDirectory, now: now, force: false)
            created.append("created a demo PKI in \(home.pkiDirectory.path)")
        }
        try store.save(DemoConfiguration.make(pkiDirectory: home.pkiDirectory))
        created.append("created a demo configuration at \(store.file.path)")
        return created
    }
}
