/// Why a filter did not parse, and where: `column` is 1-based, counted in characters.
public struct FilterError: Error, Hashable, Sendable, CustomStringConvertible {
    public let column: Int
    public let message: String

    public init(column: Int, message: String) {
        self.column = column
        self.message = message
    }

    public var description: String { "column \(column): \(message)" }
}
