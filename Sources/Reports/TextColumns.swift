/// A plain-text table: a header row and rows of cells, the first column left-aligned and the
/// others right-aligned, two spaces apart.
package struct TextColumns {
    package var header: [String]
    package var rows: [[String]] = []

    package init(_ header: [String]) { self.header = header }

    package mutating func add(_ cells: [String]) { rows.append(cells) }

    package func render(indent: String = "") -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { cells in
            let padded = header.indices.map { column -> String in
                let cell = column < cells.count ? cells[column] : ""
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + pad : pad + cell
            }
            var line = indent + padded.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n") + "\n"
    }
}
