/// A run of text in one role; a line of a document-like view (detail, help, mappings) is a list of them.
public struct Span: Hashable, Sendable {
    public var text: String
    public var role: StyleRole

    public init(_ text: String, _ role: StyleRole = .normal) {
        self.text = text
        self.role = role
    }
}

/// One line of a document-like view: its spans, drawn one after the other.
public typealias StyledLine = [Span]

extension ScreenBuffer {
    /// Draws spans one after the other on line y, within `maxWidth` columns; the last span that
    /// does not fit ends with the ellipsis.
    mutating func draw(_ line: StyledLine, x: Int, y: Int, maxWidth: Int, ellipsis: String) {
        var column = 0
        for span in line where column < maxWidth {
            column += write(span.text, x: x + column, y: y, maxWidth: maxWidth - column, role: span.role, overflow: .ellipsis(ellipsis))
        }
    }
}

enum TextWrap {
    /// Splits text into lines of at most `width` columns at spaces (a word longer than the line
    /// is cut), keeping explicit line breaks.
    static func wrap(_ text: String, width: Int) -> [String] {
        let width = max(1, width)
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ") {
                var word = String(word)
                while CharacterWidth.columns(of: word) > width {
                    if !line.isEmpty { lines.append(line); line = "" }
                    lines.append(String(word.prefix(width)))
                    word = String(word.dropFirst(width))
                }
                if line.isEmpty {
                    line = word
                } else if CharacterWidth.columns(of: line) + 1 + CharacterWidth.columns(of: word) <= width {
                    line += " " + word
                } else {
                    lines.append(line)
                    line = word
                }
            }
            lines.append(line)
        }
        return lines
    }
}
