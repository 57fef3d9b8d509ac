/// A pure grid of cells that views draw into and backends flush (ratatui's `Buffer`).
///
/// Everything on screen goes through it, so every screen can be rendered in a test and compared
/// as text, and the ncurses backend only has to diff two buffers. Drawing is clipped to the
/// buffer: writing outside it is a no-op, never a crash.
public struct ScreenBuffer: Hashable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, fill: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: fill, count: self.width * self.height)
    }

    public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public func contains(x: Int, y: Int) -> Bool {
        x >= 0 && y >= 0 && x < width && y < height
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    // MARK: - Characters

    /// Puts one grapheme at (x, y) and returns the columns it took (0 when it does not fit).
    ///
    /// A wide grapheme takes its cell and a continuation cell; any wide character this write cuts
    /// in half is replaced by blanks so the buffer never holds half a character.
    @discardableResult
    public mutating func put(_ character: Character, x: Int, y: Int, role: StyleRole) -> Int {
        var columns = CharacterWidth.columns(of: character)
        var grapheme = String(character)
        if columns == 0 {
            grapheme = "?"
            columns = 1
        }
        guard y >= 0, y < height, x >= 0, x + columns <= width else { return 0 }
        for column in x..<(x + columns) {
            breakWideCharacter(at: column, y: y)
        }
        self[x, y] = Cell(grapheme, role: role)
        if columns == 2 {
            self[x + 1, y] = .continuation(role)
        }
        return columns
    }

    /// Blanks the other half of a wide character that overlaps (x, y).
    private mutating func breakWideCharacter(at x: Int, y: Int) {
        let cell = self[x, y]
        if cell.isContinuation, x > 0 {
            self[x - 1, y] = Cell(" ", role: self[x - 1, y].role)
            self[x, y] = Cell(" ", role: cell.role)
        } else if x + 1 < width, self[x + 1, y].isContinuation {
            self[x + 1, y] = Cell(" ", role: self[x + 1, y].role)
        }
    }

    // MARK: - Text

    /// How text that does not fit is cut.
    public enum Overflow: Sendable {
        /// Cut at the last column.
        case clip
        /// Cut one column early and end with this mark (`…`, or `~` in ASCII).
        case ellipsis(String)
    }

    /// Writes text on one line from (x, y), at most `maxWidth` columns (default: to the edge),
    /// and returns the columns used. Wide characters that would straddle the limit are replaced
    /// by a blank, so columns after the text stay aligned.
    @discardableResult
    public mutating func write(
        _ text: String, x: Int, y: Int, maxWidth: Int? = nil, role: StyleRole = .normal, overflow: Overflow = .ellipsis("…")
    ) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(maxWidth ?? (width - x), width - x)
        guard limit > 0 else { return 0 }
        if CharacterWidth.columns(of: text) <= limit {
            return draw(text, x: x, y: y, limit: limit, role: role)
        }
        switch overflow {
        case .clip:
            return draw(text, x: x, y: y, limit: limit, role: role)
        case .ellipsis(let mark):
            let markWidth = CharacterWidth.columns(of: mark)
            guard limit > markWidth else { return draw(text, x: x, y: y, limit: limit, role: role) }
            let used = draw(text, x: x, y: y, limit: limit - markWidth, role: role)
            return used + draw(mark, x: x + used, y: y, limit: markWidth, role: role)
        }
    }

    private mutating func draw(_ text: String, x: Int, y: Int, limit: Int, role: StyleRole) -> Int {
        var column = 0
        for character in text {
            let columns = max(1, CharacterWidth.columns(of: character))
            if column + columns > limit {
                while column < limit {
                    if x + column >= 0 { put(" ", x: x + column, y: y, role: role) }
                    column += 1
                }
                break
            }
            if x + column >= 0 {
                put(character, x: x + column, y: y, role: role)
            }
            column += columns
        }
        return column
    }

    /// Writes text so that it ends at column `rightEdge` (exclusive); returns its start column.
    @discardableResult
    public mutating func writeRight(_ text: String, rightEdge: Int, y: Int, role: StyleRole = .normal) -> Int {
        let start = rightEdge - CharacterWidth.columns(of: text)
        if start >= 0 {
            write(text, x: start, y: y, role: role, overflow: .clip)
            return start
        }
        write(text, x: 0, y: y, maxWidth: rightEdge, role: role)
        return 0
    }

    /// Writes text centred in `area`'s width on line y.
    public mutating func writeCentered(_ text: String, in area: Rect, y: Int, role: StyleRole = .normal, ellipsis: String = "…") {
        let columns = min(CharacterWidth.columns(of: text), area.width)
        write(text, x: area.x + (area.width - columns) / 2, y: y, maxWidth: area.width, role: role, overflow: .ellipsis(ellipsis))
    }

    // MARK: - Areas

    /// Fills a rectangle with one character (clipped to the buffer).
    public mutating func fill(_ rect: Rect, with character: Character = " ", role: StyleRole = .normal) {
        for y in max(0, rect.y)..<min(height, rect.maxY) {
            var x = max(0, rect.x)
            while x < min(width, rect.maxX) {
                x += max(1, put(character, x: x, y: y, role: role))
            }
        }
    }

    /// Changes the role of every cell in a rectangle, keeping the characters (a selection bar).
    public mutating func setRole(_ role: StyleRole, in rect: Rect) {
        for y in max(0, rect.y)..<min(height, rect.maxY) {
            for x in max(0, rect.x)..<min(width, rect.maxX) {
                self[x, y].role = role
            }
        }
    }

    /// A horizontal rule of `length` columns.
    public mutating func horizontalRule(x: Int, y: Int, length: Int, glyphs: GlyphSet, role: StyleRole = .border) {
        guard let line = glyphs.horizontal.first else { return }
        fill(Rect(x: x, y: y, width: length, height: 1), with: line, role: role)
    }

    /// A box around `rect` (its border is the outermost ring of `rect`), with an optional title
    /// in the top edge.
    public mutating func box(_ rect: Rect, glyphs: GlyphSet, role: StyleRole = .border, title: String? = nil) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        horizontalRule(x: rect.x + 1, y: rect.y, length: rect.width - 2, glyphs: glyphs, role: role)
        horizontalRule(x: rect.x + 1, y: rect.maxY - 1, length: rect.width - 2, glyphs: glyphs, role: role)
        if let vertical = glyphs.vertical.first {
            fill(Rect(x: rect.x, y: rect.y + 1, width: 1, height: rect.height - 2), with: vertical, role: role)
            fill(Rect(x: rect.maxX - 1, y: rect.y + 1, width: 1, height: rect.height - 2), with: vertical, role: role)
        }
        write(glyphs.topLeft, x: rect.x, y: rect.y, maxWidth: 1, role: role, overflow: .clip)
        write(glyphs.topRight, x: rect.maxX - 1, y: rect.y, maxWidth: 1, role: role, overflow: .clip)
        write(glyphs.bottomLeft, x: rect.x, y: rect.maxY - 1, maxWidth: 1, role: role, overflow: .clip)
        write(glyphs.bottomRight, x: rect.maxX - 1, y: rect.maxY - 1, maxWidth: 1, role: role, overflow: .clip)
        if let title, rect.width > 4 {
            write(" \(title) ", x: rect.x + 2, y: rect.y, maxWidth: rect.width - 4, role: .title, overflow: .ellipsis(glyphs.ellipsis))
        }
    }

    // MARK: - Text form

    /// One line of the buffer as text (continuation cells skipped), trailing blanks kept.
    public func line(_ y: Int) -> String {
        var result = ""
        for x in 0..<width where !self[x, y].isContinuation {
            result += self[x, y].grapheme
        }
        return result
    }

    /// The whole buffer as text, one line per row with trailing blanks trimmed: what snapshot
    /// files hold and what `tmux capture-pane -p` shows of the same screen.
    public var text: String {
        (0..<height).map { y in
            var line = line(y)
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n") + "\n"
    }
}
