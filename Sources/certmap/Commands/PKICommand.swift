import ArgumentParser

/// `certmap pki`: the demo certificate authority used by the demo, the tests and the simulator.
struct PKICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pki",
        abstract: "Create the demo PKI and issue user certificates from it.",
        discussion: "Files live in <home>/pki: NAME.crt (PEM) and NAME.key (PKCS#8 PEM, mode 0600).",
        subcommands: [PKIInitCommand.self, PKIIssueCommand.self]
    )
}
