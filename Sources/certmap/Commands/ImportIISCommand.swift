import ArgumentParser
import CertMapCore
import Foundation

/// `certmap import iis FILE`: IIS client-certificate mappings and SSL settings into the configuration.
struct ImportIISCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iis",
        abstract: "Import IIS client-certificate mappings (iisClientCertificateMappingAuthentication) and sslFlags.",
        discussion: """
            FILE is an applicationHost.config or a fragment of it. certmap reads the \
            iisClientCertificateMappingAuthentication section (one-to-one and many-to-one mappings) and \
            access sslFlags with anonymousAuthentication, at top level and in <location path="Site/app"> \
            (which becomes the resource /app). Accounts are created for userNames certmap does not know.

            Passwords are never imported. Everything not carried over is listed as a note with its \
            location in FILE. By default the mappings are merged (one-to-one by certificate, many-to-one \
            by name); --replace drops certmap's mappings first (and its resources, when FILE sets sslFlags). \
            The configuration is validated and saved atomically with a backup; on any error nothing changes.
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "The IIS configuration file.", completion: .file(extensions: ["config", "xml"]))
    var file: String

    @Flag(name: .long, help: "Show what would change and save nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Replace certmap's mappings (and resources, when the file sets sslFlags) instead of merging.")
    var replace = false

    func run() async throws {
        let data: Data
        do {
            data = try PeopleText.read(URL(fileURLWithPath: file))
        } catch {
            throw CommandFailure("\(error)")
        }
        let result = try IISConfigurationReader.read(data, source: file)
        let store = ConfigStore(home: try homeOptions.preparedHome())
        let base = try store.load()
        let (document, changes) = IISImportMerge.apply(result, to: base, mode: replace ? .replace : .merge)
        let issues = ConfigValidator.validate(document)
        guard issues.isEmpty else { throw ConfigError.invalid(file: store.file.path, issues: issues) }

        print("\(file): \(result.oneToOne.count) one-to-one and \(result.manyToOne.count) many-to-one mappings, \(result.resources.count) resource settings")
        for change in changes { print("  \(change)") }
        if !result.notes.isEmpty {
            print("notes (\(result.notes.count)):")
            for note in result.notes { print("  \(note)") }
        }
        if dryRun {
            print("dry run: \(changes.count) change\(changes.count == 1 ? "" : "s") not saved")
        } else if changes.isEmpty {
            print("nothing to change; \(store.file.path) left as it was")
        } else {
            try store.save(document, editedFrom: base)
            print("saved \(store.file.path) (\(changes.count) change\(changes.count == 1 ? "" : "s"))")
        }
    }
}
