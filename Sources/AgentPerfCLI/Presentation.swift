import AgentMetrics
import Foundation
import Pricing
import Reports
import Traces

/// A run's traces turned into figures, and how commands show them.
struct Presentation {
    let log: TraceLog
    let summary: RunSummary

    /// Loads traces and computes every figure; prints the loader's diagnostics on standard error.
    static func load(traces: URL, prices: PriceTable) throws -> Presentation {
        let log = try TraceLog.load(from: traces)
        for diagnostic in log.diagnostics { Terminal.err("\(diagnostic)\n") }
        return Presentation(log: log, summary: RunSummary.compute(from: log, prices: prices))
    }

    func writeSummary(to url: URL) throws {
        try summary.jsonData().write(to: url)
    }

    func print(json: Bool) {
        if json {
            Terminal.out(String(decoding: (try? summary.jsonData()) ?? Data(), as: UTF8.self) + "\n")
        } else {
            Terminal.out(SummaryTable.render(summary))
        }
    }
}
