import AgentMetrics
import Pricing
import Reports

/// The run's figures as an HTML table: the rows and values of the terminal's `SummaryTable`
/// (formatted by the same `Format`), one column per level, each metric name linked to its definition.
enum RunTable {
    private enum Row {
        /// A section title, with the "quality simulated" label the terminal appends to it, if any.
        case section(String, simulated: String)
        case values(label: String, indent: Bool, cells: [String])
    }

    static func render(_ summary: RunSummary, page: inout Page) -> String {
        let levels = summary.levels
        var rows: [Row] = []
        func add(_ definition: Definition?, _ label: String, indent: Bool = false, _ value: (LevelSummary) -> String) {
            let name = definition.map { page.link($0, label) } ?? HTML.escape(label)
            rows.append(.values(label: name, indent: indent, cells: levels.map { HTML.escape(value($0)) }))
        }
        func cells(_ definition: Definition?, _ label: String, indent: Bool = false, _ value: (LevelSummary) -> String) {
            let name = definition.map { page.link($0, label) } ?? HTML.escape(label)
            rows.append(.values(label: name, indent: indent, cells: levels.map(value)))
        }
        let simulated = qualityLabel(levels)
        rows.append(.section("Outcome", simulated: simulated))
        add(.attempts, "attempts (passed / measured)") { "\($0.attempts.passed) / \($0.attempts.total)" }
        add(.passRate, "pass rate [95% CI]") { level in
            guard let rate = level.passRate.rate else { return "–" }
            return "\(Format.percent(rate)) [\(Format.percent(level.passRate.low))–\(Format.percent(level.passRate.high))]"
        }
        add(.failures, "failed / errors / timeouts") {
            "\($0.attempts.failed) / \($0.attempts.errored) / \($0.attempts.timedOut)"
        }
        let taskNames = Set(levels.flatMap(\.tasks.keys)).sorted()
        if taskNames.count > 1 {
            rows.append(.section("By task (passed / measured)", simulated: ""))
            for name in taskNames {
                add(nil, name, indent: true) { level in level.tasks[name].map { "\($0.passed) / \($0.measured)" } ?? "–" }
            }
        }
        let openLoop = levels.contains { $0.lateStarts != nil }
        rows.append(
            .section(openLoop ? "Task latency (all attempts, from intended start)" : "Task latency (all attempts)", simulated: "")
        )
        percentiles(&rows, levels, \.taskLatency, .taskLatency, page: &page)
        add(.errorAdjusted, "p50 / p95 with failures as ∞", indent: true) {
            "\(Format.seconds($0.taskLatencyErrorAdjusted.p50)) / \(Format.seconds($0.taskLatencyErrorAdjusted.p95))"
        }
        if openLoop {
            add(.uncorrected, "uncorrected p50 / p99", indent: true) { level in
                guard let uncorrected = level.taskLatencyUncorrected else { return "–" }
                return "\(Format.seconds(uncorrected.p50)) / \(Format.seconds(uncorrected.p99))"
            }
            add(.lateStarts, "late starts", indent: true) { level in
                level.lateStarts.map { "\($0) of \(level.attempts.total)" } ?? "–"
            }
        }
        rows.append(.section("Quality-conditioned latency (passed only)", simulated: simulated))
        percentiles(&rows, levels, \.qualityConditionedLatency, .qualityConditioned, page: &page)

        rows.append(.section("Throughput", simulated: ""))
        add(.steps, "steps/s") { Format.rate($0.steps.perSecond) }
        add(.steps, "model calls/s", indent: true) { Format.rate($0.steps.modelPerSecond) }
        add(.steps, "tool calls/s", indent: true) { Format.rate($0.steps.toolPerSecond) }
        add(.achievedConcurrency, "achieved concurrency") { Format.rate($0.achievedConcurrency) }

        rows.append(.section("Cost", simulated: ""))
        cells(.costPerCompleted, "cost per completed task") { level in
            guard level.cost.unpricedModels.isEmpty else {
                return HTML.element(
                    "span",
                    [("class", "na-cell"), ("title", "no price for " + level.cost.unpricedModels.joined(separator: ", "))],
                    "n/a (unpriced)")
            }
            return HTML.escape(Format.dollars(level.cost.perCompletedTask))
        }
        add(.costPerAttempt, "cost per attempt") { Format.dollars($0.cost.perAttempt) }
        add(.costBuckets, "uncached input / cache read", indent: true) {
            "\(Format.dollars($0.cost.total.uncachedInput)) / \(Format.dollars($0.cost.total.cacheRead))"
        }
        add(.costBuckets, "cache write / output", indent: true) {
            "\(Format.dollars($0.cost.total.cacheWrite)) / \(Format.dollars($0.cost.total.output))"
        }
        add(.costBuckets, "reasoning / tools", indent: true) {
            "\(Format.dollars($0.cost.total.reasoning)) / \(Format.dollars($0.cost.total.tool))"
        }
        add(.cacheReadShare, "cache-read share of tokens") { Format.percent($0.tokens.cacheReadShare) }

        rows.append(.section("Model calls", simulated: ""))
        add(.ttft, "TTFT p50 / p95") { "\(Format.seconds($0.ttft.p50)) / \(Format.seconds($0.ttft.p95))" }
        add(.itl, "ITL p50 / p95") { "\(Format.seconds($0.itl.p50)) / \(Format.seconds($0.itl.p95))" }
        add(.queue, "queue p50 / p95") { "\(Format.seconds($0.queue.p50)) / \(Format.seconds($0.queue.p95))" }
        add(nil, "samples (TTFT / ITL / queue)", indent: true) { "\($0.ttft.count) / \($0.itl.count) / \($0.queue.count)" }
        rows.append(.section("Tool calls", simulated: ""))
        add(.queue, "queue p50 / p95") { "\(Format.seconds($0.toolQueue.p50)) / \(Format.seconds($0.toolQueue.p95))" }

        rows.append(.section("Where task time goes (share)", simulated: ""))
        for (index, name) in ["queue", "prefill", "decode", "tool", "orchestration"].enumerated() {
            add(.breakdown, name, indent: true) { level in
                let share = level.breakdownShare.components[index].seconds
                let seconds = level.breakdown.components[index].seconds
                return "\(Format.percent(share)) (\(Format.seconds(seconds)))"
            }
        }

        let header = [""] + levels.map { HTML.escape($0.label + ($0.interrupted ? " (cut)" : "")) }
        var html = "<div class=\"scroll\"><table class=\"figures\">\n<thead><tr>"
        html += header.map { HTML.element("th", [], $0) }.joined() + "</tr></thead>\n<tbody>\n"
        for row in rows {
            switch row {
            case .section(let title, let simulated):
                var text = HTML.escape(title)
                if !simulated.isEmpty {
                    text += " " + page.link(.simulated, String(simulated.dropFirst(3)), classes: "metric simulated")
                }
                html +=
                    HTML.element("tr", [("class", "section")], HTML.element("td", [("colspan", String(levels.count + 1))], text))
                    + "\n"
            case .values(let label, let indent, let values):
                let first = HTML.element("td", indent ? [("class", "indent")] : [], label)
                html += HTML.element("tr", [], first + values.map { HTML.element("td", [], $0) }.joined()) + "\n"
            }
        }
        return html + "</tbody></table></div>\n"
    }

    private static func percentiles(
        _ rows: inout [Row], _ levels: [LevelSummary], _ path: KeyPath<LevelSummary, Percentiles>, _ definition: Definition,
        page: inout Page
    ) {
        for (name, value) in [
            ("p50", \Percentiles.p50), ("p95", \Percentiles.p95), ("p99", \Percentiles.p99), ("max", \Percentiles.max),
        ] {
            rows.append(
                .values(
                    label: page.link(definition, name), indent: true,
                    cells: levels.map { HTML.escape(Format.seconds($0[keyPath: path][keyPath: value])) }))
        }
        rows.append(.values(label: "samples", indent: true, cells: levels.map { "\($0[keyPath: path].count)" }))
    }

    /// ` — quality simulated` when every measured attempt's grade was a seeded draw, ` — quality
    /// partly simulated` when some were, else nothing (as the terminal table labels it).
    static func qualityLabel(_ levels: [LevelSummary]) -> String {
        let simulated = levels.reduce(0) { $0 + $1.simulatedGrades }
        guard simulated > 0 else { return "" }
        return simulated == levels.reduce(0) { $0 + $1.attempts.total } ? " — quality simulated" : " — quality partly simulated"
    }
}
