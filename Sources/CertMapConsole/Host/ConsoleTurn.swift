/// What one turn of the console's loop did and how long it took: the actions it reduced (bus
/// events, answers), and the frame it rendered and drew, if any. `certmap bench console` reads
/// these to report frame times under an event flood.
public struct ConsoleTurn: Hashable, Sendable {
    /// Actions drained from the inbox and reduced this turn.
    public let actions: Int
    /// Reading input and reducing the actions.
    public let reduce: Duration
    /// Rendering the state and drawing it (nil when the turn drew nothing).
    public let frame: Duration?

    public init(actions: Int, reduce: Duration, frame: Duration?) {
        self.actions = actions
        self.reduce = reduce
        self.frame = frame
    }

    /// The whole turn.
    public var total: Duration { reduce + (frame ?? .zero) }
}
