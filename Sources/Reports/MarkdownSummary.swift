package import AgentMetrics
package import Diagnosis
import Foundation
import Thresholds
import Traces

/// A run's headline figures as GitHub-flavoured Markdown for a pull-request comment: at most
/// about 60 lines, the same figures and labels as the terminal table.
package enum MarkdownSummary {
    /// Levels shown as columns; more are summarised in one line (the HTML report has them all).
    static let maximumColumns = 6

    package static func render(_ summary: RunSummary, findings: DiagnosisReport? = nil) -> String {
        let levels = Array(summary.levels.prefix(maximumColumns))
        var lines = ["### " + SummaryTable.header(summary).replacingOccurrences(of: "|", with: "\\|"), ""]
        lines.append(
            "| figure | " + levels.map { cell($0.label + ($0.interrupted ? " (cut)" : "")) }.joined(separator: " | ") + " |")
        lines.append("|---|" + String(repeating: "---:|", count: levels.count))
        func row(_ label: String, _ value: (LevelSummary) -> String) {
            lines.append("| \(label) | " + levels.map { cell(value($0)) }.joined(separator: " | ") + " |")
        }
        let quality = SummaryTable.qualityLabel(summary.levels).isEmpty ? "" : " (simulated)"
        row("attempts (passed / measured)") { "\($0.attempts.passed) / \($0.attempts.total)" }
        row("pass rate [95% CI]\(quality)") { level in
            guard let rate = level.passRate.rate else { return "n/a (no graded attempts)" }
            return "\(Format.percent(rate)) [\(Format.percent(level.passRate.low))–\(Format.percent(level.passRate.high))]"
        }
        row("task latency p50 / p95 / p99") { level in
            let t = level.taskLatency
            return "\(Format.seconds(t.p50)) / \(Format.seconds(t.p95)) / \(Format.seconds(t.p99))"
        }
        row("quality-conditioned p50 / p95\(quality)") {
            "\(Format.seconds($0.qualityConditionedLatency.p50)) / \(Format.seconds($0.qualityConditionedLatency.p95))"
        }
        row("steps/s (model / tool)") {
            "\(Format.rate($0.steps.perSecond)) (\(Format.rate($0.steps.modelPerSecond)) / \(Format.rate($0.steps.toolPerSecond)))"
        }
        row("cost per completed task") { level in
            if !level.cost.unpricedModels.isEmpty { return "n/a (unpriced)" }
            return level.cost.perCompletedTask.map { Format.dollars($0) } ?? "n/a (no passes)"
        }
        row("TTFT p50 / p95") { "\(Format.seconds($0.ttft.p50)) / \(Format.seconds($0.ttft.p95))" }
        row("achieved concurrency") { Format.rate($0.achievedConcurrency) }
        if summary.levels.count > levels.count {
            lines.append("")
            lines.append(
                "\(summary.levels.count - levels.count) more levels: "
                    + summary.levels.dropFirst(levels.count).map(\.label).joined(separator: ", ")
                    + " (all of them in `agentperf report --html`).")
        }
        lines.append("")
        if let bottleneck = summary.bottleneck {
            let verdict =
                bottleneck.clear ? "**Bottleneck** (moves first): \(bottleneck.component)" : "**Bottleneck**: none clear"
            lines.append(
                "\(verdict) — share of task latency \(Format.percent(bottleneck.fromShare)) at \(bottleneck.from.label) → \(Format.percent(bottleneck.toShare)) at \(bottleneck.to.label)."
            )
        }
        if let results = summary.thresholds, !results.isEmpty {
            let crossed = results.filter { !$0.holds }
            lines.append("**Thresholds**: \(crossed.count) of \(results.count) crossed" + (crossed.isEmpty ? "." : ":"))
            for result in crossed.prefix(8) {
                let value = result.value.map { ThresholdTable.value(of: result.threshold.metric.unit, $0) } ?? "n/a"
                let note = ThresholdTable.note(result)
                lines.append("- ❌ `\(result.threshold)` at \(result.level ?? "–"): \(value)" + (note.isEmpty ? "" : " (\(note))"))
            }
            if crossed.count > 8 { lines.append("- … \(crossed.count - 8) more") }
        }
        if let findings, !findings.findings.isEmpty {
            lines.append("**Top findings** (`agentperf diagnose`):")
            for finding in findings.findings.prefix(3) {
                lines.append(
                    "- \(finding.mode.rawValue): \(cell(finding.summary)) — \(Format.dollars(finding.moneyWasted)) wasted")
            }
        }
        let notes = SummaryTable.notes(summary)
        if !notes.isEmpty {
            lines.append("")
            lines.append("<details><summary>Notes (\(notes.count))</summary>")
            lines.append("")
            for note in notes.prefix(12) { lines.append("- " + note) }
            lines.append("")
            lines.append("</details>")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A table cell: pipes escaped, line breaks removed.
    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
