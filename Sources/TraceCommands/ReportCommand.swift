package import ArgumentParser
import Foundation
import Pricing
import Thresholds
import Traces

package struct ReportCommand: AsyncParsableCommand {
    package init() {}

    package static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Recompute a run's figures from its saved traces.",
        discussion: """
            Reads DIR/traces.jsonl (or a .jsonl file given directly) and prices it with DIR/prices.json, or
            with --prices to see the same run under another price table (LiteLLM's
            model_prices_and_context_window.json works as is). Prints the same table as `run`, judges the run's
            thresholds (its workload's thresholds: and any --threshold; exit code 99 when one is crossed), and
            writes --html and --markdown reports.
            """)

    @Argument(help: "A run directory, or a traces .jsonl file.")
    var path: String

    @Flag(help: "Print the summary as JSON instead of the table.")
    var json = false

    @Option(help: "Price table to compute costs with (default: the run's prices.json).")
    var prices: String?

    @OptionGroup var report: ReportOptions

    package func run() async throws {
        let inputs = [path] + (prices.map { [$0] } ?? [])
        try report.checkPaths(inputs: inputs)
        let run = try RunPath(path)
        let (directory, traces) = (run.directory, run.traces)
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
        presentation.judge(try Self.runThresholds(directory) + report.thresholds)
        var publishing: (any Error)?
        do { try presentation.publish(json: json, options: report, inputs: inputs) } catch { publishing = error }
        var exporting: (any Error)?
        do { try await presentation.export(options: report) } catch { exporting = error }
        // Bad input (exit 2) before a crossed threshold (99), as `run` orders them.
        if presentation.log.hasErrors {
            throw CommandFailure.badInput("\(traces.path) has unreadable lines (listed above); the figures cover the rest")
        }
        if let publishing { throw publishing }
        if let exporting { throw exporting }
    }

    /// The `thresholds:` of the workload the run was made from (its config.json), if any.
    static func runThresholds(_ directory: URL) throws -> [Threshold] {
        let config = directory.appendingPathComponent(RunDirectory.config)
        guard let data = try? Data(contentsOf: config),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let list = object["thresholds"]
        else { return [] }
        guard let expressions = list as? [String] else {
            throw CommandFailure.badInput("\(config.path): thresholds: expected a list of expressions")
        }
        return try expressions.enumerated().map { index, expression in
            do { return try Threshold.parse(expression) } catch {
                throw CommandFailure.badInput("\(config.path): thresholds[\(index)]: \(error)")
            }
        }
    }
}
