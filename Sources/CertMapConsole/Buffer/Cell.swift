/// One terminal cell: a grapheme and the role it is drawn with.
///
/// An East Asian wide character occupies two cells: its own, holding the grapheme, and the next,
/// a *continuation* cell with an empty grapheme that backends skip (the terminal fills it).
public struct Cell: Hashable, Sendable {
    public var grapheme: String
    public var role: StyleRole

    public init(_ grapheme: String, role: StyleRole = .normal) {
        self.grapheme = grapheme
        self.role = role
    }

    public static let blank = Cell(" ")

    /// The right half of a wide character.
    public var isContinuation: Bool { grapheme.isEmpty }

    static func continuation(_ role: StyleRole) -> Cell { Cell("", role: role) }
}
