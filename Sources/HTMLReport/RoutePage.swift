import AgentMetrics
import Pricing
import Reports
import Routing

/// `agentperf route` as a page: the cost–quality frontier, the pair's routing curves, and the
/// terminal's tables (routers, by task, strong/weak scores).
enum RoutePage {
    static func render(_ report: RouteReport, source: String?) -> String {
        var page = Page(title: "AgentPerf route")
        let λ = report.regretFormula.contains("λ") ? "λ = \(Format.dollars(report.prices.pricePerSecond))/s" : "λ not used"
        page.subtitle = [
            "\(report.items) items × \(report.models.count) configurations" + (source.map { " (\($0))" } ?? ""),
            "pass threshold \(Format.rate(report.passThreshold)); regret = \(report.regretFormula), V = \(Format.dollars(report.prices.valuePerSuccess)), \(λ)",
        ]
        var notes: [String] = []
        if report.items < 30 { notes.append("Only \(report.items) items; every figure below is from too few to generalise.") }
        notes += report.problems.map { "Problem: \($0)" }
        if !notes.isEmpty {
            page.add(
                HTML.section(
                    "notes", "Notes",
                    HTML.element("ul", [("class", "notes")], notes.map { HTML.element("li", [], HTML.escape($0)) }.joined())))
        }
        let plots = frontier(report) + pairCurves(report)
        page.add(HTML.section("plots", "Plots", HTML.element("div", [("class", "plots")], "\n" + plots)))
        page.add(HTML.section("routers", "Routers", routers(report, page: &page)))
        if !report.tasks.isEmpty {
            let header = ["task", "items"] + report.models.map(HTML.escape) + ["best"]
            let rows = report.tasks.map { task in
                [HTML.escape(task.task), "\(task.items)"]
                    + task.cells.map {
                        HTML.escape(Format.rate($0.quality) + ($0.costPerItem.map { " " + Format.dollars($0) } ?? ""))
                    }
                    + [HTML.escape(task.best)]
            }
            page.add(
                HTML.section(
                    "by-task", "By task",
                    HTML.paragraph("Quality and cost per item under each configuration; best = cheapest of the top quality.")
                        + HTML.element("div", [("class", "scroll")], HTML.table(header: header, rows: rows))))
        }
        if let pair = report.pair {
            let header = ["router", "items", page.link(.apgr, "APGR"), "CPT(50%)", "CPT(80%)", page.link(.frontier, "AIQ")]
            let rows = pair.curves.map {
                [
                    HTML.escape($0.router), "\($0.items)", Format.rate($0.apgr), Format.percent($0.cpt50),
                    Format.percent($0.cpt80),
                    $0.aiq.map(Format.rate) ?? "n/a",
                ]
            }
            let small = pair.smallByDefault
            let saved =
                small.costSavedPerItem.value.map { Format.dollars($0) + "/item" }
                ?? "n/a (\(small.costSavedPerItem.reason ?? ""))"
            let text =
                "Small by default: \(pair.weak) completes \(Format.percent(small.smallShare)) of items alone; escalating the rest to \(pair.strong) saves \(saved)"
                + (small.costSavedShare.value.map { " (\(Format.percent($0)))" } ?? "") + " against all-\(pair.strong)."
            page.add(
                HTML.section(
                    "pair", "Strong/weak routing: strong \(pair.strong), weak \(pair.weak)",
                    HTML.table(header: header, rows: rows) + HTML.paragraph(text)))
        } else if let reason = report.pairUnavailable {
            page.add(HTML.section("pair", "Strong/weak routing", HTML.paragraph("n/a — \(reason)")))
        }
        page.add(HTML.section("terminal", "Terminal", HTML.terminalText(RouteTable.render(report, source: source ?? ""))))
        return page.render()
    }

    static func routers(_ report: RouteReport, page: inout Page) -> String {
        var reasons: [String] = []
        func cell(_ measure: Measure, _ format: (Double) -> String) -> String {
            if let value = measure.value { return HTML.escape(format(value)) }
            let reason = measure.reason ?? "unavailable"
            if !reasons.contains(reason) { reasons.append(reason) }
            return HTML.element("span", [("class", "na-cell"), ("title", reason)], "n/a")
        }
        let onFrontier = Set(report.frontier?.vertices.map(\.name) ?? [])
        let header = [
            "", "quality", "pass", "$/item", "$/completed", "p50", "p95", page.link(.regret, "regret/item"),
            page.link(.frontier, "frontier"),
        ]
        let rows = report.routers.map { router -> [String] in
            var note = onFrontier.contains(router.name) && router.kind == .model ? "●" : ""
            if let share = router.escalationShare { note = "escalated \(Format.percent(share))" }
            return [
                HTML.escape(router.name), Format.rate(router.quality), Format.percent(router.passRate),
                cell(router.costPerItem, Format.dollars), cell(router.costPerCompleted, Format.dollars),
                cell(router.latencyP50, Format.seconds), cell(router.latencyP95, Format.seconds),
                Format.dollars(router.regretPerItem), note,
            ]
        }
        var html = HTML.element("div", [("class", "scroll")], HTML.table(header: header, rows: rows))
        if let frontier = report.frontier {
            let path = frontier.vertices.map { "\($0.name) (\(Format.dollars($0.cost)), \(Format.rate($0.quality)))" }
            html += HTML.paragraph(
                "Frontier (non-decreasing convex hull), cheapest first: \(path.joined(separator: " → ")); AIQ \(Format.rate(frontier.aiq)) over \(Format.dollars(frontier.minCost))–\(Format.dollars(frontier.maxCost)) per item."
            )
        } else if let reason = report.frontierUnavailable {
            html += HTML.paragraph("Frontier: n/a — \(reason)")
        }
        for reason in reasons { html += HTML.paragraph("n/a: \(reason)") }
        return html
    }

    /// Every router's (cost per item, quality), the models' frontier drawn through its vertices.
    static func frontier(_ report: RouteReport) -> String {
        let caption = "Cost–quality plane and the router frontier"
        guard let frontier = report.frontier else {
            return Chart.unavailable(
                "route-frontier", caption: caption, reason: report.frontierUnavailable ?? "cost is not logged")
        }
        let points = report.routers.compactMap { router in
            router.costPerItem.value.map {
                ScatterPoint(
                    name: router.name, cost: $0, quality: router.quality,
                    samples: "\(router.items) items, \(router.kind.rawValue)")
            }
        }
        guard !points.isEmpty else {
            return Chart.unavailable("route-frontier", caption: caption, reason: "no router has a cost per item")
        }
        return ParetoPlot.render(
            "route-frontier", caption: caption, points: points, frontier: frontier.vertices.map(\.name),
            xTitle: "cost per item (US dollars)", yTitle: "mean quality", yFormat: { Format.rate($0) },
            note:
                "Models, oracle, hindsight-best, random and cascades; filled points are the models' frontier (non-decreasing convex hull), AIQ \(Format.rate(frontier.aiq)). The line joins the vertices as steps for reading; AIQ integrates the hull's straight segments."
        )
    }

    /// Quality against the strong model's share of calls, one line per router of the pair.
    static func pairCurves(_ report: RouteReport) -> String {
        let caption = "Strong/weak routing: quality against the strong model's share of calls"
        guard let pair = report.pair, !pair.curves.isEmpty else {
            return Chart.unavailable("pair-curves", caption: caption, reason: report.pairUnavailable ?? "no router curve")
        }
        let qualities = pair.curves.flatMap { $0.points.map(\.quality) }
        var chart = Chart("pair-curves")
        let x = Scale(.linear, 0, 1, to: chart.xRange)
        let y = Scale(.linear, max(0, (qualities.min() ?? 0) - 0.05), min(1, (qualities.max() ?? 1) + 0.05), to: chart.yRange)
        chart.xAxis(
            x, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1], label: { Format.percent($0) }, title: "share of items sent to \(pair.strong)")
        chart.yAxis(y, ticks: y.ticks(4), label: { Format.rate($0) }, title: "mean quality")
        for (index, curve) in pair.curves.enumerated() {
            chart.mark(
                "pair-curve", "polyline",
                [
                    ("data-router", curve.router), ("points", pointList(curve.points.map { (x($0.strongShare), y($0.quality)) })),
                    ("fill", "none"), ("stroke", Palette.color(index)), ("stroke-width", "2"),
                ],
                tooltip:
                    "\(curve.router): APGR \(Format.rate(curve.apgr)), CPT(50%) \(Format.percent(curve.cpt50)) (\(curve.items) items)"
            )
        }
        let legend = pair.curves.enumerated().map {
            LegendItem(
                color: Palette.color($0.offset), label: "\($0.element.router) (APGR \(Format.rate($0.element.apgr)))",
                style: .line)
        }
        return chart.render(
            caption: caption, legend: legend,
            note: "From all-\(pair.weak) (0%) to all-\(pair.strong) (100%), in steps of 10%, as in the terminal's table.")
    }
}
