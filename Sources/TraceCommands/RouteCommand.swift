package import ArgumentParser
import Foundation
import HTMLReport
import Importers
import Pricing
import Reports
import Routing
import SpecDecoding
import Traces

package struct RouteCommand: ParsableCommand {
    package init() {}

    package static let configuration = CommandConfiguration(
        commandName: "route",
        abstract: "Evaluate routers on logged outcomes of the same items under each model or variant (RouterBench, RouteLLM).",
        discussion: """
            Inputs are AgentPerf run directories (each variant, or else each run, is one configuration; items pair
            attempts with the same seeds), other traces `analyze` reads, or logged-outcome tables: wide (one row per
            item, a score column per model, `<model>|total_cost` and `<model>|latency` beside it, as RouterBench
            writes them) or long (item, model, score, cost, tokens, latency), in CSV or JSON Lines. Prints each
            configuration's quality, cost per item and per completed task, latency and regret; the oracle,
            hindsight-best and random routers; the cost–quality frontier and its AIQ; and for a strong/weak pair,
            APGR and CPT of the random, optimal and given routers, cascades and small-by-default. docs/ROUTING.md
            defines every figure. Bad rows are reported with file:line:column and skipped; the rest is evaluated,
            and the exit code is then 2.
            """)

    @Argument(help: "Run directories, trace files, or outcome tables (.csv, .jsonl).")
    var inputs: [String]

    @Option(help: "The strong model of the pair (default: the one of the highest quality).")
    var strong: String?

    @Option(help: "The weak model of the pair (default: the cheapest).")
    var weak: String?

    @Option(help: "A router's per-item scores (item and score columns; higher → strong). Repeatable.")
    var routerScores: [String] = []

    @Option(help: "The score column of --router-scores files.")
    var routerScoreColumn = "score"

    @Option(help: "A cascade to evaluate, models in the order tried, comma-separated. Repeatable; weak,strong is always added.")
    var cascade: [String] = []

    @Option(help: "V: US dollars one completed item is worth, for regret.")
    var valuePerSuccess = MarginalPrices.defaults.valuePerSuccess

    @Option(help: "λ: US dollars one second of latency costs, for regret.")
    var pricePerSecond = MarginalPrices.defaults.pricePerSecond

    @Option(help: "Quality at or above which an item counts as completed (and a cascade stops).")
    var passThreshold = 0.5

    @OptionGroup(title: "Outcome tables") var table: TableLayoutOptions

    @Option(help: "Price table for traces (default: each run's prices.json over the bundled snapshot).")
    var prices: String?

    @Flag(help: "Print the report as JSON instead of the table.")
    var json = false

    @Option(help: "Also write route.json into this directory (refused if one is there).")
    var out: String?

    @Option(help: "Also write the report as one self-contained HTML file (frontier and routing curves; no network) to this path.")
    var html: String?

    package func validate() throws {
        for (flag, value) in [("--value-per-success", valuePerSuccess), ("--price-per-second", pricePerSecond)]
        where !(value.isFinite && value >= 0) {
            throw ValidationError("\(flag): expected a number ≥ 0, found \(value)")
        }
        guard passThreshold.isFinite, (0...1).contains(passThreshold) else {
            throw ValidationError("--pass-threshold: expected a number in 0…1")
        }
    }

    package func run() throws {
        if let html { try ReportFile.check(html, inputs: inputs + routerScores) }
        let outcomes = try RouteInputs(layout: table.layout, prices: prices).read(inputs)

        var settings = RoutingSettings()
        settings.passThreshold = passThreshold
        settings.prices = MarginalPrices(valuePerSuccess: valuePerSuccess, pricePerSecond: pricePerSecond)
        (settings.strong, settings.weak) = (strong, weak)
        settings.cascades = cascade.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        var problems = outcomes.problems
        for path in routerScores {
            let url = URL(fileURLWithPath: path)
            let read = RouterScoresReader.read(url, name: path, itemColumn: table.itemColumn, scoreColumn: routerScoreColumn)
            problems += read.problems
            settings.routerScores.append((url.deletingPathExtension().lastPathComponent, read.scores))
        }
        let shown = 20
        for problem in problems.prefix(shown) { Terminal.err("error: \(problem)\n") }
        if problems.count > shown { Terminal.err("error: … and \(problems.count - shown) more problems\n") }
        guard !outcomes.table.items.isEmpty else {
            throw CommandFailure.badInput(
                "no item has an outcome for every configuration (\(outcomes.table.models.joined(separator: ", ")))")
        }

        let report = RouteReport(table: outcomes.table, settings: settings)
        if let out {
            let directory = URL(fileURLWithPath: out)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let target = directory.appendingPathComponent("route.json")
            guard !FileManager.default.fileExists(atPath: target.path) else {
                throw CommandFailure.badInput("\(target.path) exists; choose another --out (results are never overwritten)")
            }
            try AnalyzeCommand.encoder.encode(report).write(to: target)
        }
        if json {
            Terminal.out(String(decoding: try AnalyzeCommand.encoder.encode(report), as: UTF8.self) + "\n")
        } else {
            Terminal.out(RouteTable.render(report, source: inputs.joined(separator: ", ")))
        }
        if let html {
            try ReportFile.write(
                HTMLReport.route(report, source: inputs.joined(separator: ", ")), to: html, inputs: inputs + routerScores)
        }
        if !problems.isEmpty || !report.problems.isEmpty {
            throw CommandFailure.badInput("some input could not be used (listed above); the figures cover the rest")
        }
    }
}

/// Reads route's inputs: outcome tables, run directories and other traces, into one table.
struct RouteInputs {
    let layout: TableLayout
    let prices: String?

    func read(_ paths: [String]) throws -> (table: OutcomeTable, problems: [InputProblem]) {
        let table = try prices.map { try PriceTable.load(from: URL(fileURLWithPath: $0)) } ?? .bundled
        var traces = TraceOutcomes(prices: table)
        traces.qualifiesVariants = paths.count > 1
        var problems: [InputProblem] = []
        for path in paths {
            var url = URL(fileURLWithPath: path)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                problems.append(InputProblem(file: path, message: "no such file or directory"))
                continue
            }
            if isDirectory.boolValue {
                let name = url.resolvingSymlinksInPath().lastPathComponent
                url = url.appendingPathComponent(RunDirectory.traces)
                guard FileManager.default.fileExists(atPath: url.path) else {
                    problems.append(
                        InputProblem(file: path, message: "not a run directory: expected \(RunDirectory.traces) in it"))
                    continue
                }
                try readTraces(url, name: name, format: .agentperf, into: &traces)
            } else if url.pathExtension.lowercased() != "csv", let format = TraceFormat.detect(url) {
                try readTraces(url, name: url.deletingPathExtension().lastPathComponent, format: format, into: &traces)
            } else {
                OutcomeTableReader.read(url, name: path, layout: layout, into: &traces.builder)
            }
        }
        for line in traces.diagnostics.lines { Terminal.err(line + "\n") }
        if traces.ungraded > 0 { Terminal.err("note: \(traces.ungraded) ungraded attempts left out (no quality to score)\n") }
        let built = traces.builder.build()
        if traces.diagnostics.hasErrors {
            problems.append(InputProblem(file: "traces", message: "some trace lines could not be read (listed above)"))
        }
        return (built.table, problems + built.problems)
    }

    private func readTraces(_ url: URL, name: String, format: TraceFormat, into sink: inout TraceOutcomes) throws {
        sink.setSource(name)
        let sibling = url.deletingLastPathComponent().appendingPathComponent(RunDirectory.prices)
        if prices == nil, format == .agentperf, FileManager.default.fileExists(atPath: sibling.path) {
            sink.addPrices(try PriceTable.load(from: sibling))
        }
        try format.read(url, into: &sink)
    }
}

/// How `route` reads logged-outcome tables: their shape and which column means what.
package struct TableLayoutOptions: ParsableArguments {
    package init() {}

    @Option(help: "Table shape: wide or long (default: long when the header has the model and score columns).")
    var shape: String?

    @Option(help: "Item column (default: item, sample_id, item_id, id, prompt_id, question_id or task).")
    var itemColumn: String?

    @Option(help: "Wide tables: the model columns, comma-separated (default: every X with X|… columns).")
    var models: String?

    @Option(help: "Long tables: the model column.")
    var modelColumn = "model"

    @Option(help: "Long tables: the score column.")
    var scoreColumn = "score"

    @Option(help: "Long tables: the cost column (US dollars).")
    var costColumn = "cost"

    @Option(help: "Long tables: the latency column (seconds).")
    var latencyColumn = "latency"

    @Option(help: "Long tables: the tokens column.")
    var tokensColumn = "tokens"

    package func validate() throws {
        if let shape, TableLayout.Shape(rawValue: shape) == nil { throw ValidationError("--shape: expected wide or long") }
    }

    var layout: TableLayout {
        var layout = TableLayout()
        layout.shape = shape.flatMap(TableLayout.Shape.init(rawValue:))
        layout.itemColumn = itemColumn
        layout.models = models.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        (layout.modelColumn, layout.scoreColumn) = (modelColumn, scoreColumn)
        (layout.costColumn, layout.latencyColumn, layout.tokensColumn) = (costColumn, latencyColumn, tokensColumn)
        return layout
    }
}
