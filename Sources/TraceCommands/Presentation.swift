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
            // The top findings of `agentperf diagnose`, under the table (V and λ at their defaults).
            let findings = DiagnosisTable.top(Diagnosis.run(DiagnosisInput(log: log, prices: prices)))
            if !findings.isEmpty { Terminal.out("\n" + findings) }
        }
    }
}
