package import ArgumentParser
import Foundation
import Pricing
import Traces

package struct ReportCommand: ParsableCommand {
    package init() {}

    package static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Recompute a run's figures from its saved traces.",
        discussion: """
            Reads DIR/traces.jsonl (or a .jsonl file given directly) and prices it with DIR/prices.json, or
            with --prices to see the same run under another price table (LiteLLM's
            model_prices_and_context_window.json works as is). Prints the same table as `run`.
            """)

    @Argument(help: "A run directory, or a traces .jsonl file.")
    var path: String

    @Flag(help: "Print the summary as JSON instead of the table.")
    var json = false

    @Option(help: "Price table to compute costs with (default: the run's prices.json).")
    var prices: String?

    package func run() throws {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw CommandFailure.badInput("\(path) does not exist; expected a run directory or a traces .jsonl file")
        }
        let directory = isDirectory.boolValue ? url : url.deletingLastPathComponent()
        let traces = isDirectory.boolValue ? url.appendingPathComponent(RunDirectory.traces) : url
        let priceFile = prices.map { URL(fileURLWithPath: $0) } ?? directory.appendingPathComponent(RunDirectory.prices)
        guard FileManager.default.fileExists(atPath: priceFile.path) else {
            throw CommandFailure.badInput("no price table at \(priceFile.path); pass one with --prices")
        }
        var table = try PriceTable.load(from: priceFile)
        // Re-pricing with another table keeps what only the run knows, its tool prices (a model
        // price table such as LiteLLM's has none); models are priced by the new table alone, and
        // one it lacks is reported unpriced, never $0.
        let runPrices = directory.appendingPathComponent(RunDirectory.prices)
        if prices != nil, FileManager.default.fileExists(atPath: runPrices.path) {
            let run = try PriceTable.load(from: runPrices)
            for (tool, price) in run.tools where table.tools[tool] == nil { table.tools[tool] = price }
        }
        var presentation = try Presentation.load(traces: traces, prices: table)
        presentation.marginal = MarginalPrices.ofRun(directory) ?? .defaults
        presentation.print(json: json)
        if presentation.log.hasErrors {
            throw CommandFailure.badInput("\(traces.path) has unreadable lines (listed above); the figures cover the rest")
        }
    }
}
