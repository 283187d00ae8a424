import AgentMetrics
import Foundation
import Pricing
import Thresholds
import TraceCommands
import Traces

/// How a run is saved and shown: the output flags, the report files, the history, and what the
/// history keeps about the workload.
struct RunReporting: Sendable {
    var out: String?
    var json = false
    var quiet = false
    /// `--variants` as names: nil without the flag, empty for all of them.
    var variants: [String]?
    var report = ReportOptions()
    var abortOnFail = false
    /// Where the run is recorded; nil with `--no-history`.
    var history: HistoryOptions?
    /// The workload file (nil: the bundled default, or a generated replay workload).
    var workloadFile: URL?
    /// The workload's text, hashed into the history.
    var workloadText: String
    /// The fleet the run used, for the history: nil when no tier ran on the built-in fleet.
    var fleet: String?
    /// Files the run reads (workload, fleet): a report file may not be one of them.
    var inputs: [String] = []
}

/// `--abort-on-fail`: after each level, the thresholds scoped to it are judged on the traces so
/// far; a crossing stops the run there.
actor ThresholdAbort {
    let thresholds: [Threshold]
    let traces: URL
    let prices: PriceTable
    /// True once a level crossed a threshold and the run was stopped.
    private(set) var aborted = false

    init(thresholds: [Threshold], traces: URL, prices: PriceTable) {
        self.thresholds = thresholds
        self.traces = traces
        self.prices = prices
    }

    /// False (stop) when a threshold that applies to `level` is crossed there.
    func levelPasses(_ level: LevelID, variant: String?) -> Bool {
        // A gate fails closed: traces that cannot be read stop the run too.
        guard let log = try? TraceLog.load(from: traces) else {
            aborted = true
            Terminal.err("--abort-on-fail: cannot read \(traces.path) to judge the thresholds; stopping the run.\n")
            return false
        }
        var summary = RunSummary.compute(from: log, prices: prices)
        summary.levels = summary.levels.filter { $0.level == level && $0.variant == variant }
        let applicable = thresholds.filter { ThresholdCheck.applies($0, to: level, variant: variant) }
        let results = ThresholdCheck.evaluate(applicable, on: summary)
        if !ThresholdCheck.allHold(results) {
            aborted = true
            let crossed = results.filter { !$0.holds }.map(\.threshold.description).joined(separator: ", ")
            Terminal.err("--abort-on-fail: \(crossed) crossed at \(level.label); stopping the run.\n")
        }
        return !aborted
    }
}
