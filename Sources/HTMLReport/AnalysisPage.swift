import AgentMetrics
import Reports

/// `agentperf analyze` as a page: plots of the capability vector, the budget curve and cost
/// per artifact against pass rate, then the metric family table with n/a reasons.
enum AnalysisPage {
    /// More columns than the terminal's eight fit a page; past this many, the smallest groups are left to --json.
    static let maxColumns = 24

    static func render(_ report: FamilyReport, title: String) -> String {
        var page = Page(title: title)
        page.subtitle = [
            "AgentPerf analyze · \(report.sources) source\(report.sources == 1 ? "" : "s") · grouped by \(report.groupBy) · prices \(report.priceTable)"
        ]
        let groups = Array(report.groups.sorted { $0.attempts > $1.attempts }.prefix(maxColumns))
        var plots = capability(groups)
        plots += budgetCurve(groups)
        plots += pareto(groups)
        page.add(HTML.section("plots", "Plots", HTML.element("div", [("class", "plots")], "\n" + plots)))
        var table = FamilyRows.render(groups, page: &page)
        if report.groups.count > groups.count {
            table += HTML.paragraph("\(report.groups.count - groups.count) smaller groups not shown; --json lists every group.")
        }
        var notes: [String] = report.rankFlips.prefix(10).map {
            "Rank flip: \($0.first) leads on \($0.axisFirstLeads), \($0.second) on \($0.axisSecondLeads)."
        }
        let simulated = report.groups.reduce(0) { $0 + $1.simulatedGrades }
        if simulated > 0 {
            notes.append(
                "Quality is simulated for \(simulated) graded attempts (scripted tasks pass by a seeded draw from pass_probability); figures conditioned on passing follow from the simulation."
            )
        }
        let unpriced = Set(report.groups.flatMap(\.unpricedModels)).sorted()
        if !unpriced.isEmpty { notes.append("No price for \(unpriced.joined(separator: ", ")) (add them with --prices).") }
        for assumption in Set(report.groups.flatMap(\.priceAssumptions)).sorted() {
            notes.append("Price assumed — \(assumption).")
        }
        if !notes.isEmpty {
            table += HTML.element("ul", [("class", "notes")], notes.map { HTML.element("li", [], HTML.escape($0)) }.joined())
        }
        table += HTML.terminalText(FamilyTable.render(report))
        page.add(HTML.section("figures", "Metric family per \(report.groupBy)", table))
        return page.render()
    }

    /// Mean score per grader axis, a bar per group within each axis.
    static func capability(_ groups: [GroupReport]) -> String {
        let caption = "Capability vector per \(groups.count == 1 ? "group" : "configuration") (mean score per grader axis)"
        let axes = Set(groups.flatMap(\.capability.keys)).sorted()
        let shown = Array(groups.filter { !$0.capability.isEmpty }.prefix(8))
        guard !axes.isEmpty, !shown.isEmpty else {
            return Chart.unavailable(
                "capability", caption: caption,
                reason:
                    "the traces carry no grader axes (scores per axis: Inspect scorers, tau's reward, AgentPerf's grader axes)")
        }
        var chart = Chart("capability", width: max(600, 80 + Double(axes.count * (shown.count * 14 + 24))), height: 300)
        let y = Scale(.linear, 0, 1, to: chart.yRange)
        chart.yAxis(y, ticks: [0, 0.25, 0.5, 0.75, 1], label: { Format.rate($0) }, title: "mean score")
        let slot = (chart.xRange.1 - chart.xRange.0) / Double(axes.count)
        let bar = min(22, (slot - 16) / Double(shown.count))
        for (a, axis) in axes.enumerated() {
            let start = chart.xRange.0 + slot * Double(a) + (slot - bar * Double(shown.count)) / 2
            for (g, group) in shown.enumerated() {
                guard let score = group.capability[axis] else { continue }
                chart.mark(
                    "capability", "rect",
                    [
                        ("data-axis", axis), ("data-group", group.key), ("x", n(start + bar * Double(g))), ("y", n(y(score))),
                        ("width", n(max(1, bar - 2))), ("height", n(max(0.5, y(0) - y(score)))), ("fill", Palette.color(g)),
                    ],
                    tooltip: "\(group.key) · \(axis): \(Format.rate(score)) (\(group.graded) graded attempts)")
            }
            let name = axis.count > 18 ? String(axis.prefix(17)) + "…" : axis
            chart.decorate(
                HTML.element(
                    "text",
                    [
                        ("x", n(chart.xRange.0 + slot * (Double(a) + 0.5))), ("y", n(chart.height - chart.bottom + 16)),
                        ("text-anchor", "middle"),
                    ], HTML.escape(name)))
        }
        let legend = shown.enumerated().map { LegendItem(color: Palette.color($0.offset), label: $0.element.key) }
        return chart.render(
            caption: caption, legend: legend,
            note:
                "Per axis, the mean score over the attempts that have it; no combined score (rank flips are listed under the table)."
        )
    }

    /// Success within a token budget: one line per group over the budget (log axis).
    static func budgetCurve(_ groups: [GroupReport]) -> String {
        let caption = "Success within a token budget"
        let shown = Array(groups.filter { !$0.budgetCurve.isEmpty }.prefix(8))
        let budgets = shown.flatMap { $0.budgetCurve.map { Double($0.tokens) } }
        guard let low = budgets.min(), let high = budgets.max() else {
            return Chart.unavailable(
                "budget-curve", caption: caption, reason: "no group has both grades and token counts (the curve needs both)")
        }
        var chart = Chart("budget-curve")
        let x = Scale(.log, low, high, to: chart.xRange)
        let y = Scale(.linear, 0, 1, to: chart.yRange)
        chart.xAxis(x, ticks: x.ticks(), label: { Format.count(Int($0)) }, title: "tokens per attempt (all buckets, log scale)")
        chart.yAxis(y, ticks: [0, 0.25, 0.5, 0.75, 1], label: { Format.percent($0) }, title: "share of graded attempts passed")
        for (index, group) in shown.enumerated() {
            var points: [(Double, Double)] = []
            var previous = 0.0
            for point in group.budgetCurve {
                points += [(x(Double(point.tokens)), y(previous)), (x(Double(point.tokens)), y(point.successRate))]
                previous = point.successRate
            }
            chart.mark(
                "budget-curve", "polyline",
                [
                    ("data-group", group.key), ("points", pointList(points)), ("fill", "none"), ("stroke", Palette.color(index)),
                    ("stroke-width", "2"),
                ],
                tooltip:
                    "\(group.key): \(Format.percent(previous)) passed within \(Format.count(group.budgetCurve.last?.tokens ?? 0)) tokens (\(group.graded) graded)"
            )
        }
        let legend = shown.enumerated().map {
            LegendItem(color: Palette.color($0.offset), label: "\($0.element.key) (n=\($0.element.graded))", style: .line)
        }
        return chart.render(
            caption: caption, legend: legend, note: "Points at 1-2-5 steps from 1k tokens up to the largest attempt.")
    }

    /// Cost per artifact against pass rate, a point per group.
    static func pareto(_ groups: [GroupReport]) -> String {
        let caption = "Cost per artifact against pass rate, per group"
        var reasons: [String] = []
        let points = groups.compactMap { group -> ScatterPoint? in
            guard let rate = group.passRate.rate else {
                reasons.append("\(group.key): nothing graded")
                return nil
            }
            guard let cost = group.costPerArtifact.value else {
                reasons.append("\(group.key): \(group.costPerArtifact.reason ?? "no cost per artifact")")
                return nil
            }
            return ScatterPoint(
                name: group.key, cost: cost, quality: rate, samples: "\(group.passed) of \(group.graded) graded passed")
        }
        guard !points.isEmpty else {
            return Chart.unavailable("group-pareto", caption: caption, reason: reasons.prefix(4).joined(separator: "; "))
        }
        var best = -1.0
        var frontier: [String] = []
        for point in points.sorted(by: { ($0.cost, -$0.quality) < ($1.cost, -$1.quality) }) where point.quality > best {
            frontier.append(point.name)
            best = point.quality
        }
        var note = "Σ cost of all attempts ÷ passed ones, against passed ÷ graded; filled points are on the frontier."
        if !reasons.isEmpty { note += " Not plotted — " + reasons.prefix(6).joined(separator: "; ") + "." }
        return ParetoPlot.render(
            "group-pareto", caption: caption, points: points, frontier: frontier, xTitle: "cost per artifact (US dollars)",
            yTitle: "pass rate", note: note)
    }
}
