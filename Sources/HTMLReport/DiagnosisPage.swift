import Diagnosis
import Pricing
import Reports

/// `agentperf diagnose` as a page, and its findings as a section of the run report.
enum DiagnosisPage {
    static func render(_ reports: [(source: String, report: DiagnosisReport)]) -> String {
        var page = Page(title: "AgentPerf diagnose")
        page.subtitle = reports.map(\.source)
        for (index, entry) in reports.enumerated() {
            let report = entry.report
            let prices = report.prices
            var body = HTML.paragraph(
                "V = \(Format.dollars(prices.valuePerSuccess)) per success, λ = \(Format.dollars(prices.pricePerSecond))/s, ρ = \(Format.dollars(prices.priceOfRisk)) per risk event"
            )
            body += findings(report, page: &page)
            body += HTML.element("h3", [], "Not assessable")
            body +=
                report.unassessable.isEmpty
                ? HTML.paragraph("Every mode could be assessed.")
                : HTML.element(
                    "ul", [],
                    report.unassessable.map { HTML.element("li", [], HTML.escape("\($0.mode.rawValue): needs \($0.needs)")) }
                        .joined())
            if !report.clear.isEmpty {
                body += HTML.element("h3", [], "Looked, found nothing above the thresholds")
                body += HTML.paragraph(report.clear.map(\.rawValue).joined(separator: ", "))
            }
            let cache = report.cache
            body += HTML.element("h3", [], "Cache")
            body += HTML.paragraph(
                "read share \(Format.percent(cache.readShare)); \(cache.writes) calls wrote to the cache, \(cache.readWithinTTL) of them read within their lifetime"
                    + (cache.untimed > 0 ? " (\(cache.untimed) without timestamps, not judged)" : ""))
            body += HTML.element("h3", [], "Ledger: spend per use, and the marginal figures variants measure (per attempt)")
            body += ledger(report, page: &page)
            body += HTML.terminalText(DiagnosisTable.render(report, source: entry.source))
            page.add(HTML.section("diagnosis-\(index + 1)", entry.source, body))
        }
        return page.render()
    }

    /// Money wasted per finding (a bar each) and the findings table, most money first.
    static func findings(_ report: DiagnosisReport, page: inout Page) -> String {
        guard !report.findings.isEmpty else {
            return Chart.unavailable(
                "findings", caption: "Money wasted per finding", reason: "no finding above the rules' thresholds")
        }
        let row = 24.0
        var chart = Chart("findings", width: 900, height: 66 + row * Double(report.findings.count), left: 240)
        let top = max(report.findings.map(\.moneyWasted).max() ?? 0, 1e-9)
        let x = Scale(.linear, 0, top * 1.08, to: chart.xRange)
        chart.xAxis(x, ticks: x.ticks(), label: { Format.dollars($0) }, title: "US dollars wasted")
        for (index, finding) in report.findings.enumerated() {
            let y = chart.top + 6 + row * Double(index)
            let label = "\(index + 1). \(finding.mode.rawValue) (\(finding.layer.rawValue))"
            chart.decorate(
                HTML.element(
                    "text", [("x", n(chart.left - 8)), ("y", n(y + row / 2)), ("text-anchor", "end")], HTML.escape(label)))
            chart.mark(
                "finding", "rect",
                [
                    ("data-mode", finding.mode.rawValue), ("x", n(x(0))), ("y", n(y + 3)),
                    ("width", n(max(1, x(max(0, finding.moneyWasted)) - x(0)))), ("height", n(row - 8)),
                    ("fill", finding.confidence.heuristic ? "#E69F00" : "#D55E00"),
                ],
                tooltip: "\(label): \(Format.dollars(finding.moneyWasted)) wasted — \(finding.summary)")
        }
        let legend = [
            LegendItem(color: "#D55E00", label: "measured against a counterfactual"),
            LegendItem(color: "#E69F00", label: "heuristic (a place to look)"),
        ]
        var out = chart.render(caption: "Money wasted per finding", legend: legend, wide: true)
        let header = [
            "#", "mode (layer)", page.link(.moneyWasted, "money wasted"), "seconds wasted", "confidence", "what happened",
            "change to try", "evidence",
        ]
        let rows = report.findings.enumerated().map { index, finding -> [String] in
            var confidence = finding.confidence.heuristic ? "heuristic" : "\(finding.confidence.samples) samples"
            if let interval = finding.confidence.interval, interval.count == 2 {
                confidence += ", S in [\(Format.dollars(interval[0])), \(Format.dollars(interval[1]))]"
            }
            let evidence = finding.evidence.map { "\($0.name) \(value($0))" }.joined(separator: "; ")
            let attempts =
                finding.attempts.prefix(6).joined(separator: ", ") + (finding.attempts.count > 6 ? ", …" : "")
            return [
                "\(index + 1)", HTML.escape("\(finding.mode.rawValue) (\(finding.layer.rawValue))"),
                HTML.element("span", [("title", finding.moneyEstimate)], HTML.escape(Format.dollars(finding.moneyWasted))),
                HTML.element(
                    "span", [("title", finding.secondsEstimate)], HTML.escape(finding.secondsWasted.map(Format.seconds) ?? "n/a")),
                HTML.element("span", [("title", finding.confidence.note)], HTML.escape(confidence)),
                HTML.escape(finding.summary) + "<br><small>"
                    + HTML.escape("attempts (\(finding.attempts.count)): \(attempts); steps: \(finding.steps.count)")
                    + "</small>",
                HTML.escape(finding.change), HTML.escape(evidence),
            ]
        }
        out += HTML.element("div", [("class", "scroll")], HTML.table(header: header, rows: rows, classes: "figures findings"))
        return out
    }

    static func ledger(_ report: DiagnosisReport, page: inout Page) -> String {
        let header = [
            "use", "layer", "tokens", "money", "seconds", "ΔQ", "ΔC", "ΔL", "ΔR", page.link(.surplus, "S"), "pairs", "",
        ]
        let rows = report.ledger.map { row -> [String] in
            var cells: [String] = [row.use, row.layer.rawValue, Format.count(row.tokens), Format.dollars(row.money)]
            cells.append(row.seconds.map(Format.seconds) ?? "n/a")
            cells.append(row.deltaQuality.map(Format.percent) ?? "")
            cells.append(row.deltaCost.map(Format.dollars) ?? "")
            cells.append(row.deltaLatency.map(Format.seconds) ?? "")
            cells.append(row.deltaRisk.map(Format.percent) ?? "")
            cells.append(row.surplus.map(Format.dollars) ?? "")
            cells.append(row.pairs.map(String.init) ?? "")
            cells.append(row.verdict ?? "")
            return cells.map(HTML.escape)
        }
        guard !rows.isEmpty else { return HTML.paragraph("n/a — no step was recorded") }
        return HTML.element("div", [("class", "scroll")], HTML.table(header: header, rows: rows))
    }

    /// An evidence figure in its unit, as the terminal writes it.
    static func value(_ evidence: Evidence) -> String { DiagnosisTable.value(evidence) }
}
