package import ArgumentParser
import Diagnosis
import Foundation
import Importers
import Pricing
import Reports
import Traces

package struct DiagnoseCommand: ParsableCommand {
    package init() {}

    package static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract:
            "Where the tokens were misallocated: findings with evidence, money and seconds wasted, and the marginal ledger.",
        discussion: """
            Reads AgentPerf run directories and other traces (as `analyze` does) and applies one rule per failure mode:
            over- and under-routing, over-delegation, under-verification, serving congestion, stale rollouts and cache
            misuse. Each finding names the tasks, attempts and steps, the money and seconds wasted and how they were
            estimated, its confidence, and the change to try; a mode the traces cannot assess says what it needs.
            Runs with --variants give the counterfactuals. docs/DIAGNOSE.md has every rule.
            """)

    @Argument(help: "Run directories or trace files.")
    var inputs: [String]

    @Option(help: "V: US dollars one completed task is worth.")
    var valuePerSuccess = MarginalPrices.defaults.valuePerSuccess

    @Option(help: "λ: US dollars one second of latency costs.")
    var pricePerSecond = MarginalPrices.defaults.pricePerSecond

    @Option(help: "Price table (default: each run's prices.json over the bundled snapshot).")
    var prices: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Flag(help: "Print the report as Markdown.")
    var markdown = false

    package func validate() throws {
        for (flag, value) in [("--value-per-success", valuePerSuccess), ("--price-per-second", pricePerSecond)]
        where !(value.isFinite && value >= 0) {
            throw ValidationError("\(flag): expected a number ≥ 0, found \(value)")
        }
        if json && markdown { throw ValidationError("--json and --markdown: choose one") }
    }

    package func run() throws {
        var table = try prices.map { try PriceTable.load(from: URL(fileURLWithPath: $0)) } ?? .bundled
        let paths = inputs.map { path -> String in
            var isDirectory: ObjCBool = false
            let traces = URL(fileURLWithPath: path).appendingPathComponent(RunDirectory.traces).path
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
                && FileManager.default.fileExists(atPath: traces) ? traces : path
        }
        var log = TraceLog()
        let outcome = try ImportRun(paths: paths, format: nil).each { url, format in
            let sibling = url.deletingLastPathComponent().appendingPathComponent(RunDirectory.prices)
            if prices == nil, format == .agentperf, FileManager.default.fileExists(atPath: sibling.path) {
                table = table.merged(with: try PriceTable.load(from: sibling))
            }
            // AgentPerf's own traces keep their window records (the congestion rule compares levels).
            let read: TraceLog
            if format == .agentperf {
                read = try TraceLog.load(from: url)
            } else {
                var sink = CollectingSink()
                try format.read(url, into: &sink)
                read = sink.log
            }
            if log.run == nil { log.run = read.run }
            log.attempts += read.attempts
            log.windows += read.windows
            log.diagnostics += read.diagnostics
        }
        for diagnostic in log.diagnostics { Terminal.err("\(diagnostic)\n") }
        let input = DiagnosisInput(
            log: log, prices: table,
            marginal: MarginalPrices(valuePerSuccess: valuePerSuccess, pricePerSecond: pricePerSecond))
        let report = Diagnosis.run(input)
        if json {
            Terminal.out(String(decoding: try AnalyzeCommand.encoder.encode(report), as: UTF8.self) + "\n")
        } else {
            Terminal.out(DiagnosisTable.render(report, source: inputs.joined(separator: ", "), markdown: markdown))
        }
        try outcome.finish(errors: log.hasErrors)
    }
}
