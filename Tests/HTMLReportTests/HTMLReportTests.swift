import AgentMetrics
import Diagnosis
import Foundation
import HTMLReport
import Pricing
import Routing
import TestSupport
import Testing
import Traces

/// A real run (Fixtures/README.md): two levels, sub-agents, passed and failed attempts.
enum RunFixture {
    static let directory = Fixtures.packageRoot.appendingPathComponent("Tests/HTMLReportTests/Fixtures/multi-agent-run")

    static func load() throws -> (log: TraceLog, prices: PriceTable, summary: RunSummary) {
        let log = try TraceLog.load(from: directory.appendingPathComponent("traces.jsonl"))
        let prices = PriceTable.bundled.merged(with: try PriceTable.load(from: directory.appendingPathComponent("prices.json")))
        return (log, prices, RunSummary.compute(from: log, prices: prices))
    }
}

/// The plots of a page, found by their markup: `<svg class="plot" data-plot="NAME" …>…</svg>`.
struct Plots {
    struct Plot {
        let name: String
        let markup: String

        func marks(_ kind: String? = nil) -> Int {
            occurrences(of: kind.map { "data-mark=\"\($0)\"" } ?? "data-mark=", in: markup)
        }
    }

    let all: [Plot]

    init(_ html: String) {
        var plots: [Plot] = []
        var rest = html[...]
        while let start = rest.range(of: "<svg class=\"plot\" data-plot=\"") {
            let tail = rest[start.upperBound...]
            guard let quote = tail.firstIndex(of: "\""), let end = tail.range(of: "</svg>") else { break }
            plots.append(Plot(name: String(tail[..<quote]), markup: String(tail[..<end.lowerBound])))
            rest = tail[end.upperBound...]
        }
        all = plots
    }

    func named(_ name: String) -> [Plot] { all.filter { $0.name == name } }
}

func occurrences(of needle: String, in text: String) -> Int {
    text.components(separatedBy: needle).count - 1
}

@Suite struct RunReportTests {
    @Test func everyPlotOfARunIsDrawnWithOneMarkPerDatum() throws {
        let (log, prices, summary) = try RunFixture.load()
        let html = HTMLReport.run(log: log, summary: summary, diagnosis: nil, prices: prices)
        let plots = Plots(html)
        let measured = log.attempts.filter(\.record.isMeasured)
        #expect(summary.levels.count == 2)

        // One solid CDF per level, one dashed (failures as +∞) per level with a pass, and its p50/p95/p99.
        let cdf = try #require(plots.named("latency-cdf").first)
        #expect(cdf.marks("cdf") == summary.levels.count)
        #expect(cdf.marks("cdf-error-adjusted") == summary.levels.filter { $0.attempts.passed > 0 }.count)
        #expect(cdf.marks("percentile") == 3 * summary.levels.count)
        #expect(cdf.markup.contains("stroke-dasharray"))

        // p50, p95 and p99 at each level; steps/s, model calls/s and tool calls/s at each level.
        #expect(plots.named("latency-vs-load").first?.marks("point") == 3 * summary.levels.count)
        #expect(plots.named("steps-vs-load").first?.marks("point") == 3 * summary.levels.count)

        // One segment per nonzero component per level.
        let segments = summary.levels.reduce(0) { $0 + $1.breakdown.components.filter { $0.seconds > 0 }.count }
        #expect(plots.named("time-breakdown").first?.marks("segment") == segments)

        // One point per task with a pass.
        let tasksWithPasses = Set(measured.filter { $0.record.outcome == .passed }.map(\.record.task))
        #expect(plots.named("cost-pass-pareto").first?.marks("point") == tasksWithPasses.count)

        // Waterfalls of the slowest and the median attempt: one bar per step, sub-agents indented.
        let sorted = measured.sorted {
            ($0.record.latency ?? 0, $0.record.attemptID) < ($1.record.latency ?? 0, $1.record.attemptID)
        }
        let waterfalls = plots.named("waterfall")
        #expect(waterfalls.count == 2)
        let slowest = try #require(sorted.last)
        let median = sorted[(sorted.count - 1) / 2]
        #expect(waterfalls.first?.marks("step") == slowest.steps.count)
        #expect(waterfalls.last?.marks("step") == median.steps.count)
        #expect(slowest.steps.contains { $0.parentStepID != nil })
        #expect(waterfalls.first?.markup.contains("data-depth=\"1\"") == true)
        #expect(html.contains("attempt \(slowest.record.attemptID)"))

        // Every plot has marks, and nothing refers outside the file.
        #expect(plots.all.allSatisfy { $0.marks() > 0 })
        #expect(!html.contains("http://") && !html.contains("https://"))
        #expect(!html.contains("<script"))

        // HTML_REPORT_SAMPLE=DIR keeps the page (and the diagnosis page) for scripts/check-html.sh.
        if let directory = ProcessInfo.processInfo.environment["HTML_REPORT_SAMPLE"] {
            let report = Diagnosis.run(DiagnosisInput(log: log, prices: prices, summary: summary))
            let withFindings = HTMLReport.run(log: log, summary: summary, diagnosis: report, prices: prices)
            try withFindings.write(toFile: directory + "/run-report.html", atomically: true, encoding: .utf8)
            try HTMLReport.diagnosis(report, source: "multi-agent-run").write(
                toFile: directory + "/diagnosis-report.html", atomically: true, encoding: .utf8)
        }
    }

    @Test func theTableShowsTheTerminalsFiguresWithDefinitionsAndSimulatedLabels() throws {
        let (log, prices, summary) = try RunFixture.load()
        let html = HTMLReport.run(log: log, summary: summary, diagnosis: nil, prices: prices)
        // The terminal's own text is embedded; its row values must be the table's cells.
        let pre = try #require(html.components(separatedBy: "<pre>").last?.components(separatedBy: "</pre>").first)
        for label in ["steps/s", "achieved concurrency", "cost per attempt", "cache-read share of tokens"] {
            let line = try #require(pre.split(separator: "\n").first { $0.hasPrefix(label + " ") })
            let values = line.dropFirst(label.count).split(separator: " ", omittingEmptySubsequences: true)
            #expect(values.count == summary.levels.count)
            for value in values { #expect(html.contains("<td>\(value)</td>"), "\(label): \(value)") }
        }
        #expect(html.contains("samples"))
        #expect(html.contains("quality simulated"))
        #expect(html.contains("href=\"#def-task-latency\""))
        #expect(html.contains("id=\"def-task-latency\""))
        #expect(html.contains("docs/METRICS.md § Headline metrics"))
        #expect(html.contains("Note: simulated time"))
    }

    @Test func stringsFromTracesAreEscaped() throws {
        var (log, prices, _) = try RunFixture.load()
        let hostile = "<script>alert(\"x\")</script>"
        for index in log.attempts.indices {
            log.attempts[index].record.task = hostile
            for step in log.attempts[index].steps.indices {
                log.attempts[index].steps[step].model = "m'<b>"
                log.attempts[index].steps[step].toolName = log.attempts[index].steps[step].toolName.map { _ in "t&<i>" }
                log.attempts[index].steps[step].agentName = "<img src=x onerror=alert(1)>"
                log.attempts[index].steps[step].errorMessage = "</title><script>bad()</script>"
            }
        }
        let summary = RunSummary.compute(from: log, prices: prices)
        let html = HTMLReport.run(log: log, summary: summary, diagnosis: nil, prices: prices)
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<b>") && !html.contains("<i>"))
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"))
        #expect(html.contains("t&amp;&lt;i&gt;"))
        #expect(Plots(html).named("waterfall").count == 2)
    }

    @Test func plotsWithoutDataSayWhyInsteadOfDrawingAnEmptyAxis() throws {
        let (log, prices, _) = try RunFixture.load()
        // No attempts at all: every run plot is n/a.
        let empty = TraceLog(run: log.run)
        let html = HTMLReport.run(log: empty, summary: RunSummary.compute(from: empty, prices: prices), diagnosis: nil)
        #expect(Plots(html).all.isEmpty)
        #expect(!html.contains("class=\"plot\""))
        #expect(html.contains("n/a — no measured attempt has both a scheduled start and an end"))
        #expect(occurrences(of: "data-plot-unavailable=", in: html) == 6)

        // One level only: nothing to draw against load; the rest is drawn.
        var one = log
        one.windows = Array(log.windows.prefix(1))
        let summary = RunSummary.compute(from: one, prices: prices)
        let single = HTMLReport.run(log: one, summary: summary, diagnosis: nil, prices: prices)
        #expect(Plots(single).named("latency-vs-load").isEmpty)
        #expect(single.contains("data-plot-unavailable=\"latency-vs-load\""))
        #expect(single.contains("n/a — the run has fewer than two concurrency levels"))
        #expect(Plots(single).named("latency-cdf").first?.marks("cdf") == 1)

        // Without the price table a run without variants has no per-task costs.
        let unpriced = HTMLReport.run(log: log, summary: RunSummary.compute(from: log, prices: prices), diagnosis: nil)
        #expect(unpriced.contains("data-plot-unavailable=\"cost-pass-pareto\""))
        #expect(unpriced.contains("n/a — per-task cost needs the run&#39;s price table"))
    }

    @Test func findingsAreShownWhenADiagnosisIsGiven() throws {
        let (log, prices, summary) = try RunFixture.load()
        let report = Diagnosis.run(DiagnosisInput(log: log, prices: prices, summary: summary))
        let html = HTMLReport.run(log: log, summary: summary, diagnosis: report, prices: prices)
        #expect(html.contains("<section id=\"findings\">"))
        if report.findings.isEmpty {
            #expect(html.contains("n/a — no finding above the rules&#39; thresholds"))
        } else {
            #expect(Plots(html).named("findings").first?.marks("finding") == report.findings.count)
        }
        let page = HTMLReport.diagnosis(report, source: "multi-agent-run <run>")
        #expect(page.contains("multi-agent-run &lt;run&gt;"))
        #expect(page.contains("Not assessable"))
        #expect(page.contains("Ledger"))
        #expect(!page.contains("https://") && !page.contains("http://"))
    }
}

@Suite struct AnalysisAndRouteReportTests {
    @Test func analysisShowsTheFamilyWithReasonsForWhatIsMissing() throws {
        let (log, prices, _) = try RunFixture.load()
        var analyzer = FamilyAnalyzer(grouping: .task, prices: prices)
        if let run = log.run { analyzer.begin(run) }
        for attempt in log.attempts {
            for step in attempt.steps { analyzer.step(step) }
            analyzer.attempt(attempt.record)
        }
        let report = analyzer.report()
        let html = HTMLReport.analysis(report, title: "analyze <fixture>")
        #expect(html.contains("<title>analyze &lt;fixture&gt;</title>"))
        let plots = Plots(html)
        #expect(
            plots.named("budget-curve").first?.marks("budget-curve") == report.groups.filter { !$0.budgetCurve.isEmpty }.count)
        let priced = report.groups.filter { $0.costPerArtifact.value != nil && $0.passRate.rate != nil }
        #expect(plots.named("group-pareto").first?.marks("point") == priced.count)
        // The run's grader gives no axes: the capability vector says so instead of drawing.
        if report.groups.allSatisfy({ $0.capability.isEmpty }) {
            #expect(html.contains("data-plot-unavailable=\"capability\""))
        }
        for group in report.groups { #expect(html.contains("<th>\(group.key)</th>")) }
        // Every n/a carries its reason, numbered as the terminal numbers it.
        let reasons = Set(
            report.groups.flatMap { [$0.treeRolloutDiversity, $0.multiAgentTokenMultiplier, $0.reportedCost] }.compactMap(
                \.reason))
        for reason in reasons { #expect(html.contains(reason.replacingOccurrences(of: "'", with: "&#39;"))) }
        #expect(html.contains("n/a[1]"))
    }

    @Test func routeDrawsTheFrontierAndThePairCurves() throws {
        let models = ["large", "small"]
        var cells: [Routing.Outcome] = []
        var items: [String] = []
        for item in 0..<12 {
            items.append("item-\(item)")
            cells.append(Routing.Outcome(quality: item % 4 == 0 ? 0 : 1, cost: 0.02, latency: 2))
            cells.append(Routing.Outcome(quality: item % 2 == 0 ? 0 : 1, cost: 0.002, latency: 1))
        }
        let table = OutcomeTable(
            models: models, items: items, tasks: items.map { $0.hasSuffix("1") ? "<t1>" : "t" }, cells: cells)
        let report = RouteReport(table: table, settings: RoutingSettings())
        let html = HTMLReport.route(report, source: "table.csv")
        let plots = Plots(html)
        #expect(
            plots.named("route-frontier").first?.marks("point") == report.routers.filter { $0.costPerItem.value != nil }.count)
        #expect(plots.named("pair-curves").first?.marks("pair-curve") == report.pair?.curves.count)
        #expect(html.contains("&lt;t1&gt;"))
        #expect(html.contains("href=\"#def-regret\""))

        // Without cost there is no frontier: n/a with the route report's reason.
        let free = OutcomeTable(models: models, items: items, cells: cells.map { Routing.Outcome(quality: $0.quality) })
        let unpriced = HTMLReport.route(RouteReport(table: free, settings: RoutingSettings()))
        #expect(unpriced.contains("data-plot-unavailable=\"route-frontier\""))
        #expect(unpriced.contains("n/a — cost is not logged for every outcome"))
    }
}
