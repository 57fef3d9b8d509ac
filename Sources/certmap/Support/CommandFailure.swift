/// A failure the command line itself detects (as opposed to errors from the core, which already
/// describe themselves); ArgumentParser prints it as `Error: <description>` and exits with 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
