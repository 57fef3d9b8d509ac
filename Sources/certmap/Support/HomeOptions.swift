import ArgumentParser
import CertMapCore
import Foundation

/// `--home`, shared by every command that reads or writes the data directory.
struct HomeOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("Data directory.", discussion: "Default: $CERTMAP_HOME, else $XDG_DATA_HOME/certmap, else ~/.local/share/certmap."),
        completion: .directory
    )
    var home: String?

    var dataHome: DataHome { DataHome.resolve(explicit: home) }

    /// The data directory, set up with the demo PKI and configuration if this is the first run.
    /// Announces what it created on stderr so scripted stdout stays clean.
    func preparedHome() throws -> DataHome {
        let home = dataHome
        let created = try HomeBootstrap.prepare(home, now: Date())
        for line in created {
            FileHandle.standardError.write(Data("certmap: \(line)\n".utf8))
        }
        return home
    }
}
