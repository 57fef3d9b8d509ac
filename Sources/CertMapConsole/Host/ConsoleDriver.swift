/// The application behind the console: the in-process server, proxies and demo traffic.
///
/// The console never touches sockets or files (docs/design.md §3). It turns keys into `ConsoleRequest`s
/// and hands them to a driver, which carries them out and answers with actions (the new mode,
/// "traffic paused", or a failure to show). The `certmap` executable implements it; tests use a
/// recording driver.
public protocol ConsoleDriver: Sendable {
    /// Carries out `request` and returns what the console should learn from it. `.quit` is
    /// handled by the host and never reaches the driver.
    func perform(_ request: ConsoleRequest) async -> [ConsoleAction]

    /// The same, for requests that report as they go (a replay's outcomes one by one): `post`
    /// delivers actions to the console before the final answer. By default, `perform(_:)`.
    func perform(_ request: ConsoleRequest, post: @escaping @Sendable ([ConsoleAction]) -> Void) async -> [ConsoleAction]
}

extension ConsoleDriver {
    public func perform(_ request: ConsoleRequest, post: @escaping @Sendable ([ConsoleAction]) -> Void) async -> [ConsoleAction] {
        await perform(request)
    }
}
