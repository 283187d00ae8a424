/// A figures table (a label column, then one column per level or group) laid out to fit a
/// terminal: when the columns do not fit `width` characters, they are split into blocks, each
/// printed under its own header with the labels repeated, instead of one line running off the
/// screen.
package struct ColumnBlocks {
    /// A row: a section title (no cells), or a label with one cell per column.
    package enum Row {
        case section(String)
        case values(String, [String])
    }

    package var titles: [String]
    package var rows: [Row] = []

    package init(titles: [String]) { self.titles = titles }

    /// The table; `width` is the most characters a line may take (120: a wide terminal, a CI log).
    package func render(width: Int = 120) -> String {
        var labelWidth = 0
        var widths = titles.map(\.count)
        for case .values(let label, let values) in rows {
            labelWidth = max(labelWidth, label.count)
            for (i, value) in values.enumerated() where i < widths.count { widths[i] = max(widths[i], value.count) }
        }
        // Columns into blocks, left to right, each block as wide as fits (at least one column).
        var blocks: [Range<Int>] = []
        var start = 0
        var used = labelWidth
        for column in widths.indices {
            let needed = 2 + widths[column]
            if column > start, used + needed > width {
                blocks.append(start..<column)
                start = column
                used = labelWidth
            }
            used += needed
        }
        if start < widths.count || blocks.isEmpty { blocks.append(start..<widths.count) }
        func line(_ label: String, _ cells: [String], _ block: Range<Int>) -> String {
            var text = label + String(repeating: " ", count: max(0, labelWidth - label.count))
            for i in block {
                let cell = i < cells.count ? cells[i] : ""
                text += "  " + String(repeating: " ", count: max(0, widths[i] - cell.count)) + cell
            }
            while text.last == " " { text.removeLast() }
            return text + "\n"
        }
        return blocks.map { block in
            var text = line("", titles, block)
            for row in rows {
                switch row {
                case .section(let title): text += title + "\n"
                case .values(let label, let values): text += line(label, values, block)
                }
            }
            return text
        }.joined(separator: "\n")
    }
}
