public import Foundation
public import SpecDecoding

/// Reads a router's per-item scores (CSV or JSON Lines, an item and a score column): higher
/// means the router would rather send the item to the strong model.
public enum RouterScoresReader {
    /// The scores of `url` by item, and the problems met (rows around them are still read).
    public static func read(
        _ url: URL, name: String, itemColumn: String?, scoreColumn: String
    )
        -> (scores: [String: Double], problems: [InputProblem])
    {
        var scores: [String: Double] = [:]
        var problems: [InputProblem] = []
        do {
            var source = try TableSources.open(url, name: name)
            let header = source.header
            let item =
                itemColumn.flatMap { header.firstIndex(of: $0) }
                ?? (itemColumn == nil ? TableLayout.itemCandidates.lazy.compactMap { header.firstIndex(of: $0) }.first : nil)
            guard let item else {
                throw InputProblem(
                    file: name, line: 1, field: itemColumn,
                    message: "no item column: expected \(itemColumn ?? TableLayout.itemCandidates.joined(separator: ", "))")
            }
            guard let score = header.firstIndex(of: scoreColumn) else {
                throw InputProblem(
                    file: name, line: 1, field: scoreColumn, message: "no such column; name it with --router-score-column")
            }
            let cells = CellReader(name: name, header: header, positions: source.hasColumnPositions)
            while let next = try source.next(columns: [item, score]) {
                switch next {
                case .skipped(let problem): problems.append(problem)
                case .row(let line, let values):
                    guard let itemName = values[0] else {
                        problems.append(cells.problem(line, item, "empty item"))
                        continue
                    }
                    guard let text = values[1], let value = Double(text), value.isFinite else {
                        problems.append(cells.problem(line, score, "\"\(values[1] ?? "")\" is not a finite number"))
                        continue
                    }
                    if scores.updateValue(value, forKey: itemName) != nil {
                        problems.append(cells.problem(line, item, "a second score for item \"\(itemName)\"; the last is kept"))
                    }
                }
            }
        } catch let problem as InputProblem {
            problems.append(problem)
        } catch {
            problems.append(InputProblem(file: name, message: "\(error)"))
        }
        return (scores, problems)
    }
}
