package import AgentMetrics
import Diagnosis
package import Foundation
package import Pricing
import Reports
package import Traces

/// A run's traces turned into figures, and how commands show them.
package struct Presentation {
    package let log: TraceLog
    package let summary: RunSummary
    package let prices: PriceTable
    /// V, λ and ρ for the findings under the table.
    package var marginal = MarginalPrices.defaults

    /// Loads traces and computes every figure; prints the loader's diagnostics on standard error.
    package static func load(traces: URL, prices: PriceTable) throws -> Presentation {
        let log = try TraceLog.load(from: traces)
        for diagnostic in log.diagnostics { Terminal.err("\(diagnostic)\n") }
        return Presentation(log: log, summary: RunSummary.compute(from: log, prices: prices), prices: prices)
    }

    package func writeSummary(to url: URL) throws {
        try summary.jsonData().write(to: url)
    }

    package func print(json: Bool) {
        if json {
            Terminal.out(String(decoding: (try? summary.jsonData()) ?? Data(), as: UTF8.self) + "\n")
        } else {
            Terminal.out(SummaryTable.render(summary))
            // The top findings of `agentperf diagnose`, under the table (the workload's V, λ and ρ).
            let findings = DiagnosisTable.top(
                Diagnosis.run(DiagnosisInput(log: log, prices: prices, marginal: marginal, summary: summary)))
            if !findings.isEmpty { Terminal.out("\n" + findings) }
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
