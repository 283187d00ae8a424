import AgentMetrics
package import ArgumentParser
import Foundation
import History
import Pricing
import Reports
import Traces

package struct CompareCommand: AsyncParsableCommand {
    package init() {}

    package static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two runs figure by figure, and mark what changed beyond noise.",
        discussion: """
            A and B are history ids (12 or #12, from `agentperf history`) or run directories (or their traces.jsonl).
            Levels are matched by label. Each figure's 95% interval of B − A comes from the stored data: the exact
            bootstrap of the task-latency histograms for p50/p95/p99, Newcombe's interval for pass rates, Poisson
            counts for steps/s, and the pass rate's interval for cost per completed task (docs/HISTORY.md). A change
            is beyond noise when its interval excludes zero.
            """)

    @Argument(help: "The run compared from: a history id or a run directory.")
    var a: String

    @Argument(help: "The run compared to.")
    var b: String

    @Flag(help: "Print the comparison as JSON.")
    var json = false

    @OptionGroup var history: HistoryOptions

    package func run() async throws {
        let (nameA, summaryA) = try await resolve(a)
        let (nameB, summaryB) = try await resolve(b)
        let comparison = RunComparison(summaryA, summaryB)
        if json {
            let encoder = HistoryListing.encoder
            Terminal.out(String(decoding: try encoder.encode(comparison), as: UTF8.self) + "\n")
            return
        }
        Terminal.out("agentperf compare: A = \(nameA) → B = \(nameB)\n\n" + Self.render(comparison))
        let simulated = [summaryA, summaryB].contains { $0.levels.contains { $0.simulatedGrades > 0 } }
        if simulated {
            Terminal.out(
                "Note: quality is simulated (seeded pass draws) in at least one run: pass rates and cost per completed task compare simulations.\n"
            )
        }
        if summaryA.clock != summaryB.clock {
            Terminal.out(
                "Note: A ran on \(summaryA.clock?.rawValue ?? "an unrecorded") clock and B on \(summaryB.clock?.rawValue ?? "an unrecorded") one: simulated and measured latencies are not the same kind of figure.\n"
            )
        }
    }

    /// A history id or a run directory → a name to print and its summary.
    func resolve(_ reference: String) async throws -> (String, RunSummary) {
        let digits = reference.hasPrefix("#") ? String(reference.dropFirst()) : reference
        if let id = Int64(digits), !FileManager.default.fileExists(atPath: reference) {
            let location = try history.location()
            guard try history.exists() else {
                throw CommandFailure.badInput("no history at \(location) to look run #\(id) up in")
            }
            guard let entry = try await history.open().entry(id: id) else {
                throw CommandFailure.badInput("no run #\(id) in the history \(location) (see `agentperf history`)")
            }
            return ("#\(id) (\(entry.directory ?? entry.workload ?? "imported"))", entry.summary)
        }
        let run = try RunPath(reference, expected: "a history id (like 12) or a run directory")
        let (directory, traces) = (run.directory, run.traces)
        let prices = directory.appendingPathComponent(RunDirectory.prices)
        let table = FileManager.default.fileExists(atPath: prices.path) ? try PriceTable.load(from: prices) : PriceTable.bundled
        let presentation = try Presentation.load(traces: traces, prices: table)
        if presentation.log.hasErrors {
            throw CommandFailure.badInput("\(traces.path) has unreadable lines (listed above)")
        }
        return (reference, presentation.summary)
    }

    static func render(_ comparison: RunComparison) -> String {
        guard !comparison.changes.isEmpty else {
            return "The runs have no level in common"
                + (comparison.unmatchedLevels.isEmpty
                    ? ".\n" : " (levels: \(comparison.unmatchedLevels.joined(separator: ", "))).\n")
        }
        var table = TextColumns(["level", "figure", "A", "B", "B − A", "95% interval of B − A", ""])
        for change in comparison.changes {
            table.add([
                change.level, change.metric.rawValue.replacingOccurrences(of: "_", with: " "),
                value(change.before, change.metric), value(change.after, change.metric), delta(change),
                change.interval.map { "[\(value($0.lowerBound, change.metric)), \(value($0.upperBound, change.metric))]" }
                    ?? "n/a (\(change.note ?? "no figure"))",
                verdict(change),
            ])
        }
        var text = table.render()
        let changed = comparison.changes.filter(\.beyondNoise)
        text +=
            changed.isEmpty
            ? "\nNo figure changed beyond noise.\n"
            : "\n\(changed.count) of \(comparison.changes.count) figures changed beyond noise (interval excludes 0).\n"
        if !comparison.unmatchedLevels.isEmpty {
            text += "Levels in only one run, not compared: \(comparison.unmatchedLevels.joined(separator: ", ")).\n"
        }
        return text
    }

    static func renderMovedFirst(_ moved: MovedFirst) -> String {
        let base = "#\(moved.baseline.id ?? 0)"
        let leftOut =
            moved.leftOut > 0
            ? "(\(moved.leftOut) runs of another version of the workload or another clock than the latest left out.)\n" : ""
        return movedFirstLine(moved, base: base) + leftOut
    }

    private static func movedFirstLine(_ moved: MovedFirst, base: String) -> String {
        guard let run = moved.run, let first = moved.regressions.first else {
            return
                "Moved first: nothing regressed beyond noise (and stayed so in the next run) in \(moved.compared) runs after \(base).\n"
        }
        var text =
            "Moved first (against \(base), the oldest listed): \(first.metric.rawValue) at \(first.level) in #\(run.id ?? 0)"
        if !moved.confirmed { text += " (the latest run: not yet confirmed by another)" }
        text +=
            ", \(value(first.before, first.metric)) → \(value(first.after, first.metric))"
            + (first.relative.map { " (\($0 >= 0 ? "+" : "")\(Format.percent($0)))" } ?? "") + ".\n"
        if moved.regressions.count > 1 {
            text +=
                "  also regressed in that run: "
                + moved.regressions.dropFirst().prefix(5).map { "\($0.metric.rawValue) at \($0.level)" }.joined(separator: ", ")
                + "\n"
        }
        return text
    }

    static func value(_ value: Double?, _ metric: ComparedMetric) -> String {
        guard let value else { return "n/a" }
        switch metric {
        case .p50TaskLatency, .p95TaskLatency, .p99TaskLatency: return Format.seconds(value)
        case .passRate: return Format.percent(value)
        case .stepsPerSecond: return Format.rate(value)
        case .costPerCompletedTask: return Format.dollars(value)
        }
    }

    static func delta(_ change: MetricChange) -> String {
        guard let delta = change.delta else { return "n/a" }
        // A difference of two rates is in percentage points, not a relative change.
        if change.metric == .passRate { return (delta > 0 ? "+" : "") + Format.significant(delta * 100, digits: 2) + " pts" }
        let absolute = (delta > 0 ? "+" : "") + value(delta, change.metric)
        return change.relative.map { "\(absolute) (\($0 > 0 ? "+" : "")\(Format.percent($0)))" } ?? absolute
    }

    static func verdict(_ change: MetricChange) -> String {
        guard change.beyondNoise else { return change.interval == nil ? "" : "same" }
        return change.regressed ? "CHANGED, worse" : "CHANGED, better"
    }
}
