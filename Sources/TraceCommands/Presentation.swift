package import AgentMetrics
package import Diagnosis
package import Foundation
import HTMLReport
package import Pricing
import Reports
package import Thresholds
import TraceExport
package import Traces

/// A run's traces turned into figures, and how commands show them.
package struct Presentation {
    package let log: TraceLog
    package var summary: RunSummary
    package let prices: PriceTable
    /// V, λ and ρ for the findings under the table.
    package var marginal = MarginalPrices.defaults

    /// Loads traces and computes every figure; prints the loader's diagnostics on standard error.
    package static func load(traces: URL, prices: PriceTable) throws -> Presentation {
        let log = try TraceLog.load(from: traces)
        for diagnostic in log.diagnostics { Terminal.err("\(diagnostic)\n") }
        return Presentation(log: log, summary: RunSummary.compute(from: log, prices: prices), prices: prices)
    }

    /// The findings of `agentperf diagnose` on these traces (the workload's V, λ and ρ).
    package var diagnosis: DiagnosisReport {
        Diagnosis.run(DiagnosisInput(log: log, prices: prices, marginal: marginal, summary: summary))
    }

    /// Judges `thresholds` on the figures (each once, in the order first given) and keeps the
    /// results in the summary (and so in its JSON).
    package mutating func judge(_ thresholds: [Threshold]) {
        var seen: Set<Threshold> = []
        let unique = thresholds.filter { seen.insert($0).inserted }
        summary.thresholds = unique.isEmpty ? nil : ThresholdCheck.evaluate(unique, on: summary)
    }

    /// Sends the run to `--otlp-endpoint`, when given. A failure is said on standard error at
    /// once (whatever exit code the command ends with) and is exit code 1; the run's files are
    /// untouched (`agentperf report DIR --otlp-endpoint URL` sends them again).
    package func export(options: ReportOptions, quiet: Bool = false) async throws {
        guard let endpoint = options.otlpEndpoint else { return }
        do {
            let exporter = try OTLPExporter(endpoint: endpoint, environment: ProcessInfo.processInfo.environment)
            let receipt = try await exporter.export(log, summary: summary)
            for warning in receipt.warnings { Terminal.err("warning: OTLP export: \(warning)\n") }
            if !quiet {
                Terminal.err(
                    "Exported \(receipt.spans) spans and the headline metrics to \(exporter.endpoint) (OTLP/HTTP JSON).\n")
            }
        } catch {
            Terminal.err(
                "error: \(error); the run's files are unchanged (`agentperf report DIR --otlp-endpoint URL` sends them again)\n")
            throw CommandFailure(code: 1, message: "the OTLP export failed (said above)")
        }
    }

    package func writeSummary(to url: URL) throws {
        try summary.jsonData().write(to: url)
    }

    /// Prints the table (or JSON), the thresholds and the top findings; writes the HTML and
    /// Markdown files the options ask for. Throws exit code 99 when a threshold was crossed.
    package func publish(json: Bool, options: ReportOptions, inputs: [String] = []) throws {
        let findings = diagnosis
        if json {
            Terminal.out(String(decoding: (try? summary.jsonData()) ?? Data(), as: UTF8.self) + "\n")
        } else {
            Terminal.out(SummaryTable.render(summary))
            if let results = summary.thresholds { Terminal.out("\n" + ThresholdTable.render(results)) }
            let top = DiagnosisTable.top(findings)
            if !top.isEmpty { Terminal.out("\n" + top) }
        }
        if let path = options.markdown {
            try ReportFile.write(
                MarkdownSummary.render(summary, findings: findings), to: path, flag: "--markdown", inputs: inputs)
        }
        if let path = options.html {
            try ReportFile.write(
                HTMLReport.run(log: log, summary: summary, diagnosis: findings, prices: prices), to: path, inputs: inputs)
        }
        if let results = summary.thresholds, !ThresholdCheck.allHold(results) {
            let crossed = results.filter { !$0.holds }.map { "\($0.threshold) at \($0.level ?? "no level")" }
            throw CommandFailure(
                code: ReportOptions.thresholdsCrossedExitCode,
                message: "\(crossed.count) of \(results.count) thresholds crossed: \(crossed.joined(separator: ", "))")
        }
    }
}

extension MarginalPrices {
    /// The `marginal:` section of a run directory's config.json (the workload's V, λ and ρ), if it has one.
    package static func ofRun(_ directory: URL) -> MarginalPrices? {
        let url = directory.appendingPathComponent(RunDirectory.config)
        guard let data = try? Data(contentsOf: url),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let section = object["marginal"],
            let encoded = try? JSONSerialization.data(withJSONObject: section)
        else { return nil }
        return try? JSONDecoder().decode(MarginalPrices.self, from: encoded)
    }
}
