package import ArgumentParser
import Diagnosis
import Foundation
import HTMLReport
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

    @Option(help: "V: US dollars one completed task is worth (default: the run's workload marginal:, else $1).")
    var valuePerSuccess: Double?

    @Option(help: "λ: US dollars one second of latency costs (default: the workload's, else $0.001).")
    var pricePerSecond: Double?

    @Option(
        help:
            "ρ: US dollars a risk event (an errored, timed-out or unsafe attempt) costs beyond the lost success (default: the workload's, else $0.50)."
    )
    var priceOfRisk: Double?

    @Option(help: "Policy versions a rollout may lag behind the trainer before it is stale.")
    var maxStaleness = 1

    @Option(help: "Price table (default: each run's prices.json over the bundled snapshot).")
    var prices: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Flag(help: "Print the report as Markdown.")
    var markdown = false

    @Option(help: "Also write the report as one self-contained HTML file (findings plotted, tables; no network) to this path.")
    var html: String?

    package func validate() throws {
        for (flag, value) in [
            ("--value-per-success", valuePerSuccess), ("--price-per-second", pricePerSecond), ("--price-of-risk", priceOfRisk),
        ]
        where !((value ?? 0).isFinite && (value ?? 0) >= 0) {
            throw ValidationError("\(flag): expected a number ≥ 0, found \(value ?? 0)")
        }
        if json && markdown { throw ValidationError("--json and --markdown: choose one") }
        if !(0...1_000_000).contains(maxStaleness) { throw ValidationError("--max-staleness: expected 0 to 1000000") }
    }

    package func run() throws {
        if let html { try ReportFile.check(html, inputs: inputs) }
        let table = try prices.map { try PriceTable.load(from: URL(fileURLWithPath: $0)) } ?? .bundled
        let paths = inputs.map { path -> String in
            var isDirectory: ObjCBool = false
            let traces = URL(fileURLWithPath: path).appendingPathComponent(RunDirectory.traces).path
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
                && FileManager.default.fileExists(atPath: traces) ? traces : path
        }
        // Each AgentPerf run is diagnosed on its own (attempt ids repeat between runs); every other
        // source is one collection (a directory of Claude Code sessions, say).
        var runs: [(String, TraceLog)] = []
        var others = TraceLog()
        var otherSources: [String] = []
        var runPrices: [String: PriceTable] = [:]
        let outcome = try ImportRun(paths: paths, format: nil).each { url, format in
            if format == .agentperf {
                let sibling = url.deletingLastPathComponent().appendingPathComponent(RunDirectory.prices)
                if prices == nil, FileManager.default.fileExists(atPath: sibling.path) {
                    runPrices[url.path] = table.merged(with: try PriceTable.load(from: sibling))
                }
                // AgentPerf's own traces keep their window records (the congestion rule compares levels).
                runs.append((url.path, try TraceLog.load(from: url)))
            } else {
                var sink = CollectingSink()
                try format.read(url, into: &sink)
                if others.run == nil { others.run = sink.log.run }
                others.attempts += sink.log.attempts
                others.diagnostics += sink.log.diagnostics
                otherSources.append(url.path)
            }
        }
        if !otherSources.isEmpty {
            runs.append((otherSources.count == 1 ? otherSources[0] : "\(otherSources.count) files", others))
        }
        if runs.isEmpty {
            // What could not be read says why first (a missing path, an unknown format).
            try outcome.finish(errors: false)
            throw CommandFailure.badInput("no traces to diagnose in \(inputs.joined(separator: ", "))")
        }
        var reports: [DiagnosisReport] = []
        for (source, log) in runs {
            // Flags first, then the run's workload (config.json beside its traces), then the defaults.
            let base = MarginalPrices.ofRun(URL(fileURLWithPath: source).deletingLastPathComponent()) ?? .defaults
            let marginal = MarginalPrices(
                valuePerSuccess: valuePerSuccess ?? base.valuePerSuccess, pricePerSecond: pricePerSecond ?? base.pricePerSecond,
                priceOfRisk: priceOfRisk ?? base.priceOfRisk)
            for diagnostic in log.diagnostics { Terminal.err("\(diagnostic)\n") }
            let report = Diagnosis.run(
                DiagnosisInput(log: log, prices: runPrices[source] ?? table, marginal: marginal, maxStaleness: maxStaleness))
            reports.append(report)
            if !json {
                if reports.count > 1 { Terminal.out("\n") }
                Terminal.out(DiagnosisTable.render(report, source: source, markdown: markdown))
            }
        }
        if json {
            let value =
                reports.count == 1 ? try AnalyzeCommand.encoder.encode(reports[0]) : try AnalyzeCommand.encoder.encode(reports)
            Terminal.out(String(decoding: value, as: UTF8.self) + "\n")
        }
        if let html {
            let sections = zip(runs, reports).map { (source: $0.0.0, report: $0.1) }
            try ReportFile.write(HTMLReport.diagnosis(sections), to: html, inputs: inputs)
        }
        let hasErrors = runs.contains { $0.1.hasErrors }

        try outcome.finish(errors: hasErrors)
    }
}
