/// Column positions of a table: fixed widths, with the flexible columns sharing what is left.
struct TableColumns {
    struct Column {
        let title: String
        let width: Int
        let alignRight: Bool
        let x: Int
    }

    struct Spec {
        let title: String
        let width: Int
        let flexible: Bool
        let alignRight: Bool

        static func fixed(_ title: String, _ width: Int, right: Bool = false) -> Spec {
            Spec(title: title, width: width, flexible: false, alignRight: right)
        }

        static func flexible(_ title: String, minimum: Int) -> Spec {
            Spec(title: title, width: minimum, flexible: true, alignRight: false)
        }
    }

    let columns: [Column]

    /// Lays out `specs` from column `x` in `width` columns with one blank between columns.
    init(_ specs: [Spec], x: Int = 1, width: Int) {
        let fixed = specs.reduce(0) { $0 + $1.width } + max(0, specs.count - 1)
        let flexibleCount = specs.filter(\.flexible).count
        let spare = max(0, width - fixed)
        var remaining = spare
        var position = x
        var built: [Column] = []
        var flexibleSeen = 0
        for spec in specs {
            var columnWidth = spec.width
            if spec.flexible {
                flexibleSeen += 1
                let share = flexibleSeen == flexibleCount ? remaining : spare / flexibleCount
                columnWidth += share
                remaining -= share
            }
            built.append(Column(title: spec.title, width: columnWidth, alignRight: spec.alignRight, x: position))
            position += columnWidth + 1
        }
        columns = built
    }

    /// Draws the column titles.
    func drawHeader(into buffer: inout ScreenBuffer, y: Int, ellipsis: String) {
        buffer.fill(Rect(x: 0, y: y, width: buffer.width, height: 1), role: .header)
        drawRow(columns.map { Span($0.title, .header) }, into: &buffer, y: y, ellipsis: ellipsis)
    }

    /// Draws one row, a span per column.
    func drawRow(_ cells: [Span], into buffer: inout ScreenBuffer, y: Int, ellipsis: String) {
        for (column, cell) in zip(columns, cells) {
            let limit = min(column.width, buffer.width - column.x)
            guard limit > 0 else { continue }
            if column.alignRight {
                let used = min(CharacterWidth.columns(of: cell.text), limit)
                buffer.write(cell.text, x: column.x + limit - used, y: y, maxWidth: limit, role: cell.role, overflow: .ellipsis(ellipsis))
            } else {
                buffer.write(cell.text, x: column.x, y: y, maxWidth: limit, role: cell.role, overflow: .ellipsis(ellipsis))
            }
        }
    }
}
