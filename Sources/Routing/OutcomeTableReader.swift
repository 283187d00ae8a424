public import Foundation
import SpecDecoding

/// Which columns of a logged-outcome table mean what. Defaults follow RouterBench's wide tables
/// (`<model>`, `<model>|total_cost`) and a plain long layout (item, model, score, cost, tokens, latency).
public struct TableLayout: Sendable, Hashable {
    /// Wide: one row per item, a score column per model. Long: one row per (item, model).
    public enum Shape: String, Sendable, CaseIterable {
        case wide, long
    }

    /// nil: long when the header has the model and score columns, wide otherwise.
    public var shape: Shape?
    /// The item column; nil: the first of `item`, `sample_id`, `item_id`, `id`, `prompt_id`, `question_id`, `task`
    /// (wide tables without one number their rows).
    public var itemColumn: String?
    /// Wide: the model columns; nil: every column `X` with an `X|…` column beside it, else every column
    /// whose first value is a score.
    public var models: [String]?
    /// Long: the model column.
    public var modelColumn = "model"
    /// Long: the score column (wide: the model's own column).
    public var scoreColumn = "score"
    /// Long: the cost column (wide: `<model>|total_cost` or `<model>|cost`).
    public var costColumn = "cost"
    /// Long: the latency column, seconds (wide: `<model>|latency`).
    public var latencyColumn = "latency"
    /// Long: the tokens column (wide: `<model>|tokens`).
    public var tokensColumn = "tokens"

    /// The default layout: detected shape and columns.
    public init() {}

    static let itemCandidates = ["item", "sample_id", "item_id", "id", "prompt_id", "question_id", "task"]
}

/// Reads logged-outcome tables (CSV or JSON Lines, wide or long) into an `OutcomeTableBuilder`.
public enum OutcomeTableReader {
    /// Reads `url` (named `name` in problems) into `builder`; problems go to the builder, and the
    /// rows around them are still read.
    public static func read(_ url: URL, name: String, layout: TableLayout, into builder: inout OutcomeTableBuilder) {
        do {
            var source = try TableSources.open(url, name: name)
            let header = source.header
            let isLong =
                layout.shape.map { $0 == .long }
                ?? (header.contains(layout.modelColumn) && header.contains(layout.scoreColumn))
            if isLong {
                try readLong(&source, name: name, layout: layout, into: &builder)
            } else {
                try readWide(&source, name: name, layout: layout, into: &builder)
            }
        } catch {
            builder.report(error)
        }
    }

    private static func readLong(
        _ source: inout some TableSource, name: String, layout: TableLayout, into builder: inout OutcomeTableBuilder
    ) throws(InputProblem) {
        let header = source.header
        let item = try itemColumn(header, layout: layout, name: name, required: true)!
        guard let model = header.firstIndex(of: layout.modelColumn) else {
            throw missingColumn(layout.modelColumn, name: name, header: header, flag: "--model-column")
        }
        guard let score = header.firstIndex(of: layout.scoreColumn) else {
            throw missingColumn(layout.scoreColumn, name: name, header: header, flag: "--score-column")
        }
        let optional = [layout.costColumn, layout.latencyColumn, layout.tokensColumn].map { header.firstIndex(of: $0) }
        let columns = [item, model, score] + optional.map { $0 ?? item }
        let cells = CellReader(name: name, header: header, positions: source.hasColumnPositions)
        while let next = try source.next(columns: columns) {
            guard case .row(let line, let values) = next else {
                if case .skipped(let problem) = next { builder.report(problem) }
                continue
            }
            guard let itemName = values[0] else {
                builder.report(cells.problem(source.line(ofColumn: item, row: line), item, "empty item"))
                continue
            }
            guard let modelName = values[1] else {
                builder.report(cells.problem(source.line(ofColumn: model, row: line), model, "empty model name"))
                continue
            }
            var problems: [InputProblem] = []
            guard
                let quality = cells.quality(
                    values[2], line: source.line(ofColumn: score, row: line), column: score, problems: &problems)
            else {
                problems.forEach { builder.report($0) }
                continue
            }
            let outcome = Outcome(
                quality: quality,
                cost: optional[0].flatMap {
                    cells.amount(values[3], line: source.line(ofColumn: $0, row: line), column: $0, problems: &problems)
                },
                latency: optional[1].flatMap {
                    cells.amount(values[4], line: source.line(ofColumn: $0, row: line), column: $0, problems: &problems)
                },
                tokens: optional[2].flatMap {
                    cells.amount(values[5], line: source.line(ofColumn: $0, row: line), column: $0, problems: &problems)
                })
            problems.forEach { builder.report($0) }
            builder.add(outcome, item: itemName, model: modelName, file: name, line: line)
        }
    }

    private typealias WideModel = (name: String, score: Int, cost: Int?, latency: Int?, tokens: Int?)

    private static func readWide(
        _ source: inout some TableSource, name: String, layout: TableLayout, into builder: inout OutcomeTableBuilder
    ) throws(InputProblem) {
        let header = source.header
        let item = try itemColumn(header, layout: layout, name: name, required: false)
        func column(_ model: String, _ suffixes: [String]) -> Int? {
            suffixes.lazy.compactMap { header.firstIndex(of: model + "|" + $0) }.first
        }
        func wide(_ model: String, score: Int) -> WideModel {
            (model, score, column(model, ["total_cost", "cost"]), column(model, ["latency"]), column(model, ["tokens"]))
        }
        var models: [WideModel] = []
        let candidates =
            layout.models
            ?? header.enumerated().filter { index, column in
                index != item && !column.contains("|") && header.contains { $0.hasPrefix(column + "|") }
            }.map(\.element)
        for model in candidates {
            guard let score = header.firstIndex(of: model) else {
                builder.report(missingColumn(model, name: name, header: header, flag: "--models"))
                continue
            }
            builder.declare(model: model)
            models.append(wide(model, score: score))
        }
        if layout.models != nil, models.isEmpty { return }
        // Without `X|…` columns or --models, the models are the columns whose first value is a score.
        var detecting = models.isEmpty
        var row = 0
        let cells = CellReader(name: name, header: header, positions: source.hasColumnPositions)
        var wanted = Array(header.indices)
        var slot = Array(header.indices)
        func want(_ columns: [Int]) {
            wanted = columns
            slot = Array(repeating: 0, count: header.count)
            for (position, column) in columns.enumerated() { slot[column] = position }
        }
        func columns(of models: [WideModel]) -> [Int] {
            Array(
                Set([item].compactMap { $0 } + models.flatMap { [$0.score, $0.cost, $0.latency, $0.tokens].compactMap { $0 } })
            )
            .sorted()
        }
        if !detecting { want(columns(of: models)) }
        while let next = try source.next(columns: wanted) {
            guard case .row(let line, let values) = next else {
                if case .skipped(let problem) = next { builder.report(problem) }
                continue
            }
            row += 1
            if detecting {
                detecting = false
                for (index, value) in values.enumerated()
                where index != item && !header[index].isEmpty && value.flatMap(CellReader.parseQuality) != nil {
                    builder.declare(model: header[index])
                    models.append(wide(header[index], score: index))
                }
                guard !models.isEmpty else {
                    throw InputProblem(
                        file: name, line: line,
                        message:
                            "no model column: expected --models, columns <model> with <model>|total_cost beside them, or a long table with \(layout.modelColumn) and \(layout.scoreColumn) columns"
                    )
                }
                let all = values
                want(columns(of: models))
                addWideRow(
                    values: { all[$0] }, lineOf: { source.line(ofColumn: $0, row: line) }, line: line, row: row, item: item,
                    models: models, cells: cells, name: name, into: &builder)
                continue
            }
            addWideRow(
                values: { values[slot[$0]] }, lineOf: { source.line(ofColumn: $0, row: line) }, line: line, row: row,
                item: item, models: models, cells: cells, name: name, into: &builder)
        }
    }

    private static func addWideRow(
        values: (Int) -> String?, lineOf: (Int) -> Int, line: Int, row: Int, item: Int?, models: [WideModel], cells: CellReader,
        name: String,
        into builder: inout OutcomeTableBuilder
    ) {
        let itemName: String
        if let item {
            guard let named = values(item) else { return builder.report(cells.problem(lineOf(item), item, "empty item")) }
            itemName = named
        } else {
            itemName = "row \(row)"
        }
        for model in models {
            var problems: [InputProblem] = []
            if let quality = cells.quality(
                values(model.score), line: lineOf(model.score), column: model.score, problems: &problems)
            {
                let outcome = Outcome(
                    quality: quality,
                    cost: model.cost.flatMap { cells.amount(values($0), line: lineOf($0), column: $0, problems: &problems) },
                    latency: model.latency.flatMap {
                        cells.amount(values($0), line: lineOf($0), column: $0, problems: &problems)
                    },
                    tokens: model.tokens.flatMap { cells.amount(values($0), line: lineOf($0), column: $0, problems: &problems) })
                builder.add(outcome, item: itemName, model: model.name, file: name, line: line)
            }
            problems.forEach { builder.report($0) }
        }
    }

    private static func itemColumn(
        _ header: [String], layout: TableLayout, name: String, required: Bool
    ) throws(InputProblem)
        -> Int?
    {
        if let named = layout.itemColumn {
            guard let index = header.firstIndex(of: named) else {
                throw missingColumn(named, name: name, header: header, flag: "--item-column")
            }
            return index
        }
        if let index = TableLayout.itemCandidates.lazy.compactMap({ header.firstIndex(of: $0) }).first { return index }
        guard !required else {
            throw InputProblem(
                file: name, line: 1,
                message:
                    "no item column: expected one of \(TableLayout.itemCandidates.joined(separator: ", ")) or --item-column")
        }
        return nil
    }

    private static func missingColumn(_ column: String, name: String, header: [String], flag: String) -> InputProblem {
        let shown = header.prefix(12).map { "\"\($0)\"" }.joined(separator: ", ") + (header.count > 12 ? ", …" : "")
        return InputProblem(
            file: name, line: 1, field: column, message: "no such column (the header has \(shown)); name it with \(flag)")
    }
}

/// Parses cells, turning bad values into problems that name line and column.
struct CellReader {
    let name: String
    let header: [String]
    let positions: Bool

    func problem(_ line: Int, _ column: Int, _ message: String) -> InputProblem {
        InputProblem(file: name, line: line, column: positions ? column + 1 : nil, field: header[column], message: message)
    }

    /// A score: `True`/`False` (any case), or a number in 0…1.
    static func parseQuality(_ text: String) -> Double? {
        if let value = Double(text) { return value.isFinite && (0...1).contains(value) ? value : nil }
        switch text.count {
        case 4 where text.lowercased() == "true": return 1
        case 5 where text.lowercased() == "false": return 0
        default: return nil
        }
    }

    func quality(_ text: String?, line: Int, column: Int, problems: inout [InputProblem]) -> Double? {
        guard let text else {
            problems.append(problem(line, column, "empty score: expected True/False, 1/0 or a number in 0…1"))
            return nil
        }
        guard let value = Self.parseQuality(text) else {
            problems.append(
                problem(line, column, "\"\(text.prefix(40))\" is not a score: expected True/False, 1/0 or a number in 0…1"))
            return nil
        }
        return value
    }

    /// A cost, latency or token count: a finite number ≥ 0; empty is absent.
    func amount(_ text: String?, line: Int, column: Int, problems: inout [InputProblem]) -> Double? {
        guard let text else { return nil }
        guard let value = Double(text), value.isFinite, value >= 0 else {
            problems.append(problem(line, column, "\"\(text.prefix(40))\" is not a number ≥ 0"))
            return nil
        }
        return value
    }
}
