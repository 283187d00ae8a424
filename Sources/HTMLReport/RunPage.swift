import AgentMetrics
import Diagnosis
import Pricing
import Reports
import Thresholds
import Traces

/// The run report page: header and notes, plots, the findings, the table of figures.
enum RunPage {
    static func render(log: TraceLog, summary: RunSummary, diagnosis: DiagnosisReport?, prices: PriceTable?) -> String {
        var page = Page(title: "AgentPerf run" + (summary.workload.map { " · \($0)" } ?? ""))
        page.subtitle = header(summary)
        let terminal = SummaryTable.render(summary)
        // The notes and bottleneck sentence as the terminal prints them under its table (unwrapped).
        let notes =
            [SummaryTable.bottleneckSentence(summary)].compactMap { $0 } + SummaryTable.notes(summary).map { "Note: " + $0 }
        if !notes.isEmpty {
            page.add(
                HTML.section(
                    "notes", "Notes",
                    HTML.element("ul", [("class", "notes")], notes.map { HTML.element("li", [], HTML.escape($0)) }.joined())))
        }
        if let results = summary.thresholds, !results.isEmpty { page.add(thresholds(results)) }
        let levels = LevelAttempts.of(log, summary)
        var plots = RunPlots.latencyCDF(levels)
        plots += RunPlots.latencyAgainstLoad(summary)
        plots += RunPlots.throughputAgainstLoad(summary)
        plots += RunPlots.breakdown(summary)
        plots += pareto(summary, levels: levels, prices: prices)
        plots += Waterfall.slowestAndMedian(levels.flatMap(\.attempts))
        page.add(HTML.section("plots", "Plots", HTML.element("div", [("class", "plots")], "\n" + plots)))
        if let diagnosis {
            page.add(HTML.section("findings", "Findings", DiagnosisPage.findings(diagnosis, page: &page)))
        }
        var table = HTML.paragraph(
            "One column per level; the same figures as the terminal table. Hover a name for its definition.")
        table += RunTable.render(summary, page: &page)
        table += HTML.terminalText(terminal)
        page.add(HTML.section("figures", "Figures per level", table))
        return page.render()
    }

    /// The thresholds judged on the run, crossed ones first, as `ThresholdTable` prints them.
    static func thresholds(_ results: [ThresholdResult]) -> String {
        let crossed = results.count { !$0.holds }
        let rows = results.sorted { !$0.holds && $1.holds }.map { result in
            [
                result.holds ? "ok" : "<strong class=\"crossed\">CROSSED</strong>", HTML.escape(result.threshold.description),
                HTML.escape(result.level ?? "–"),
                HTML.escape(result.value.map { ThresholdTable.value(of: result.threshold.metric.unit, $0) } ?? "n/a"),
                HTML.escape(ThresholdTable.note(result)),
            ]
        }
        return HTML.section(
            "thresholds", "Thresholds: \(crossed) of \(results.count) crossed",
            HTML.table(header: ["", "threshold", "level", "value", "note"], rows: rows)
                + HTML.paragraph("A crossed threshold makes the exit code 99; an absent figure fails (docs/HISTORY.md)."))
    }

    static func header(_ summary: RunSummary) -> [String] {
        var parts: [String] = []
        if let workload = summary.workload { parts.append("workload \(workload)") }
        if let target = summary.target { parts.append("on \(target)") }
        if summary.clock == .virtual { parts.append("simulated time") }
        parts.append("prices \(summary.priceTable)")
        var lines = [parts.joined(separator: " · ")]
        var run: [String] = []
        if let id = summary.runID { run.append("run \(id)") }
        if let started = summary.startedAt { run.append("started \(started)") }
        if let version = summary.agentperfVersion { run.append("AgentPerf \(version)") }
        if !run.isEmpty { lines.append(run.joined(separator: " · ")) }
        return lines
    }

    /// Cost per completed task against pass rate: per variant in variant runs, else per task.
    static func pareto(_ summary: RunSummary, levels: [LevelAttempts], prices: PriceTable?) -> String {
        let variants = ParetoPoint.variants(summary)
        let perVariant = Set(variants.map(\.name)).count > 1
        let caption = "Cost per completed task against pass rate, per \(perVariant ? "variant" : "task")"
        let points: [ParetoPoint]
        if perVariant {
            points = variants
        } else if let prices {
            points = ParetoPoint.tasks(levels, prices: prices)
        } else {
            return Chart.unavailable(
                "cost-pass-pareto", caption: caption, reason: "per-task cost needs the run's price table, which was not given")
        }
        let plotted = points.compactMap { point -> ScatterPoint? in
            guard let cost = point.costPerCompleted, let rate = point.passRate else { return nil }
            return ScatterPoint(
                name: point.name, cost: cost, quality: rate,
                samples: "\(point.passed) of \(point.graded) graded passed, \(point.attempts) measured attempts")
        }
        var left: [String] = []
        for point in points where point.costPerCompleted == nil {
            if !point.unpriced.isEmpty {
                left.append("\(point.name): n/a (unpriced: \(point.unpriced.joined(separator: ", ")))")
            } else {
                left.append("\(point.name): no passed attempt (\(point.graded) graded), so no cost per completed task")
            }
        }
        guard !plotted.isEmpty else {
            let reason = left.isEmpty ? "no measured attempts" : left.joined(separator: "; ")
            return Chart.unavailable("cost-pass-pareto", caption: caption, reason: reason)
        }
        var note =
            "Pooled over the run's levels: Σ cost of all measured attempts ÷ passed ones, against passed ÷ graded. Filled points are on the Pareto frontier."
        if RunTable.qualityLabel(summary.levels).isEmpty == false { note += " Pass rates are simulated (see Notes)." }
        if !left.isEmpty { note += " Not plotted — " + left.joined(separator: "; ") + "." }
        return ParetoPlot.render(
            "cost-pass-pareto", caption: caption, points: plotted, frontier: ParetoPoint.frontier(points),
            xTitle: "cost per completed task (US dollars)", yTitle: "pass rate", note: note)
    }
}
