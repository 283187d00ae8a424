public import AgentMetrics
public import Diagnosis
public import Pricing
import Reports
public import Routing
public import Traces

/// Self-contained HTML reports: one file per report with inline CSS and inline SVG plots, no
/// script and no reference outside the file (no network, CDN or font), readable offline and
/// attachable to a ticket. Every plot is an `<svg class="plot" data-plot="NAME">` whose data
/// marks carry `data-mark`; a plot without data is "n/a — reason" instead. Tables show the
/// terminal's figures, formatted the same way; every string from traces is HTML-escaped.
/// docs/REPORTS.md describes each plot.
public enum HTMLReport {
    /// The report of a run (`agentperf run/report --html`): latency CDFs, latency and
    /// throughput against load, where task time goes, cost against pass rate, waterfalls of the
    /// slowest and the median attempt, the findings when given, and the table of figures.
    ///
    /// - Parameters:
    ///   - log: the run's traces, which `summary` was computed from.
    ///   - summary: `RunSummary.compute(from: log, prices:)`.
    ///   - diagnosis: `agentperf diagnose`'s findings for the run, or nil to leave them out.
    ///   - prices: the price table `summary` used; it prices the per-task points of the cost
    ///     plot (without it, runs without variants show that plot as n/a).
    public static func run(
        log: TraceLog, summary: RunSummary, diagnosis: DiagnosisReport?, prices: PriceTable? = nil
    ) -> String {
        RunPage.render(log: log, summary: summary, diagnosis: diagnosis, prices: prices)
    }

    /// The report of `agentperf analyze --html`: the metric family per group, the capability
    /// vector, success within token budgets and cost per artifact against pass rate.
    ///
    /// - Parameter title: the page title (the sources analysed, say).
    public static func analysis(_ report: FamilyReport, title: String) -> String {
        AnalysisPage.render(report, title: title)
    }

    /// The report of `agentperf diagnose --html` for one input: findings ranked by money
    /// wasted (plotted and tabled), what could not be assessed, the cache tally and the ledger.
    ///
    /// - Parameter source: what was diagnosed (a run directory or files), shown in the header.
    public static func diagnosis(_ report: DiagnosisReport, source: String) -> String {
        DiagnosisPage.render([(source, report)])
    }

    /// The same for several inputs diagnosed one by one (a section each).
    package static func diagnosis(_ reports: [(source: String, report: DiagnosisReport)]) -> String {
        DiagnosisPage.render(reports)
    }

    /// The report of `agentperf route --html`: every router's figures, the cost–quality
    /// frontier and, for a strong/weak pair, quality against the strong model's share of calls.
    ///
    /// - Parameter source: the inputs evaluated, shown in the header; nil to leave it out.
    public static func route(_ report: RouteReport, source: String? = nil) -> String {
        RoutePage.render(report, source: source)
    }
}
