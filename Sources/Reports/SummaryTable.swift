package import AgentMetrics
import Pricing
import Traces

/// The final table of a run: one row per figure, one column per concurrency level.
///
/// Rows follow docs/METRICS.md, headline metrics first. Columns are levels in run order, so
/// how a figure moves with concurrency reads across a row.
package enum SummaryTable {
    package static func render(_ summary: RunSummary) -> String {
        let levels = summary.levels
        var rows: [Row] = []
        func add(_ label: String, _ value: (LevelSummary) -> String) { rows.append(.values(label, levels.map(value))) }
        func section(_ title: String) { rows.append(.section(title)) }

        let quality = qualityLabel(levels)
        section("Outcome" + quality)
        add("attempts (passed / measured)") { "\($0.attempts.passed) / \($0.attempts.total)" }
        add("pass rate [95% CI]") { level in
            guard let rate = level.passRate.rate else { return "–" }
            return "\(Format.percent(rate)) [\(Format.percent(level.passRate.low))–\(Format.percent(level.passRate.high))]"
        }
        add("failed / errors / timeouts") { "\($0.attempts.failed) / \($0.attempts.errored) / \($0.attempts.timedOut)" }
        let taskNames = Set(levels.flatMap(\.tasks.keys)).sorted()
        if taskNames.count > 1 {
            section("By task (passed / measured)")
            for name in taskNames {
                add("  \(name)") { level in level.tasks[name].map { "\($0.passed) / \($0.measured)" } ?? "–" }
            }
        }

        let openLoop = levels.contains { $0.lateStarts != nil }
        section(openLoop ? "Task latency (all attempts, from intended start)" : "Task latency (all attempts)")
        percentileRows(&rows, levels, \.taskLatency)
        add("  p50 / p95 with failures as ∞") {
            "\(Format.seconds($0.taskLatencyErrorAdjusted.p50)) / \(Format.seconds($0.taskLatencyErrorAdjusted.p95))"
        }
        if openLoop {
            add("  uncorrected p50 / p99") { level in
                guard let uncorrected = level.taskLatencyUncorrected else { return "–" }
                return "\(Format.seconds(uncorrected.p50)) / \(Format.seconds(uncorrected.p99))"
            }
            add("  late starts") { level in level.lateStarts.map { "\($0) of \(level.attempts.total)" } ?? "–" }
        }
        section("Quality-conditioned latency (passed only)" + quality)
        percentileRows(&rows, levels, \.qualityConditionedLatency)

        section("Throughput")
        add("steps/s") { Format.rate($0.steps.perSecond) }
        add("  model calls/s") { Format.rate($0.steps.modelPerSecond) }
        add("  tool calls/s") { Format.rate($0.steps.toolPerSecond) }
        add("achieved concurrency") { Format.rate($0.achievedConcurrency) }

        section("Cost")
        add("cost per completed task") { level in
            level.cost.unpricedModels.isEmpty ? Format.dollars(level.cost.perCompletedTask) : "n/a (unpriced)"
        }
        add("cost per attempt") { Format.dollars($0.cost.perAttempt) }
        add("  uncached input / cache read") {
            "\(Format.dollars($0.cost.total.uncachedInput)) / \(Format.dollars($0.cost.total.cacheRead))"
        }
        add("  cache write / output") { "\(Format.dollars($0.cost.total.cacheWrite)) / \(Format.dollars($0.cost.total.output))" }
        add("  reasoning / tools") { "\(Format.dollars($0.cost.total.reasoning)) / \(Format.dollars($0.cost.total.tool))" }
        add("cache-read share of tokens") { Format.percent($0.tokens.cacheReadShare) }

        section("Model calls")
        add("TTFT p50 / p95") { "\(Format.seconds($0.ttft.p50)) / \(Format.seconds($0.ttft.p95))" }
        add("ITL p50 / p95") { "\(Format.seconds($0.itl.p50)) / \(Format.seconds($0.itl.p95))" }
        add("queue p50 / p95") { "\(Format.seconds($0.queue.p50)) / \(Format.seconds($0.queue.p95))" }

        section("Tool calls")
        add("queue p50 / p95") { "\(Format.seconds($0.toolQueue.p50)) / \(Format.seconds($0.toolQueue.p95))" }

        section("Where task time goes (share)")
        for (index, name) in ["queue", "prefill", "decode", "tool", "orchestration"].enumerated() {
            add("  \(name)") { level in
                // No attempt, no time to share out: n/a, not 0%.
                guard level.attempts.total > 0 else { return "n/a" }
                let share = level.breakdownShare.components[index].seconds
                let seconds = level.breakdown.components[index].seconds
                return "\(Format.percent(share)) (\(Format.seconds(seconds)))"
            }
        }

        var text = header(summary) + "\n" + layout(rows, levels: levels)
        if let sentence = bottleneckSentence(summary) { text += "\n" + Format.wrap(sentence) }
        for note in notes(summary) { text += Format.wrap("Note: \(note)", indent: "      ") }
        return text
    }

    /// The bottleneck line under the table (one sentence, unwrapped); nil without a bottleneck.
    package static func bottleneckSentence(_ summary: RunSummary) -> String? {
        guard let bottleneck = summary.bottleneck else { return nil }
        let from = "\(Format.percent(bottleneck.fromShare)) at \(bottleneck.from.label)"
        let to = "\(Format.percent(bottleneck.toShare)) at \(bottleneck.to.label)"
        guard bottleneck.clear else {
            return
                "Bottleneck: none clear — the largest change is \(bottleneck.component)'s share of task latency, \(from) to \(to)"
                + " (a bottleneck needs a change of 5 points or more, with 3 measured attempts or more at both ends)."
        }
        return "Bottleneck (the number that moves first): \(bottleneck.component) — its share of task latency went from \(from)"
            + " to \(to)" + (bottleneck.p95Growth.map { "; p95 task latency ×\(Format.rate($0))" } ?? "") + "."
    }

    private typealias Row = ColumnBlocks.Row

    private static func percentileRows(_ rows: inout [Row], _ levels: [LevelSummary], _ path: KeyPath<LevelSummary, Percentiles>)
    {
        rows.append(.values("  p50", levels.map { Format.seconds($0[keyPath: path].p50) }))
        rows.append(.values("  p95", levels.map { Format.seconds($0[keyPath: path].p95) }))
        rows.append(.values("  p99", levels.map { Format.seconds($0[keyPath: path].p99) }))
        rows.append(.values("  max", levels.map { Format.seconds($0[keyPath: path].max) }))
        rows.append(.values("  samples", levels.map { "\($0[keyPath: path].count)" }))
    }

    static func header(_ summary: RunSummary) -> String {
        var parts = ["AgentPerf"]
        if let workload = summary.workload { parts.append("workload \(workload)") }
        if let target = summary.target { parts.append("on \(target)") }
        if summary.clock == .virtual { parts.append("simulated time") }
        parts.append("prices \(summary.priceTable)")
        return parts.joined(separator: " · ")
    }

    private static func layout(_ rows: [Row], levels: [LevelSummary]) -> String {
        var table = ColumnBlocks(titles: levels.map { $0.label + ($0.interrupted ? " (cut)" : "") })
        table.rows = rows
        return table.render()
    }

    /// ` — quality simulated` when every measured attempt's grade was a seeded draw, ` — quality
    /// partly simulated` when some were, else nothing.
    static func qualityLabel(_ levels: [LevelSummary]) -> String {
        let simulated = levels.reduce(0) { $0 + $1.simulatedGrades }
        guard simulated > 0 else { return "" }
        return simulated == levels.reduce(0) { $0 + $1.attempts.total } ? " — quality simulated" : " — quality partly simulated"
    }

    /// The notes under the table, one sentence each, without the `Note: ` prefix.
    package static func notes(_ summary: RunSummary) -> [String] {
        var notes: [String] = []
        if summary.clock == .virtual {
            notes.append(
                "simulated time: the run used a virtual clock with the fleet in-process, so every latency, rate and queue figure is the fleet simulator's model of the hardware (docs/SIMULATOR.md), not a measurement."
            )
        }
        let simulated = summary.levels.reduce(0) { $0 + $1.simulatedGrades }
        if simulated > 0 {
            let measured = summary.levels.reduce(0) { $0 + $1.attempts.total }
            notes.append(
                "quality is simulated for \(simulated) of \(measured) measured attempts: scripted tasks pass by a seeded draw from their pass_probability, and on the built-in fleet a task's simulate: script writes the answers its graders judge, so pass rates, quality-conditioned latency and cost per completed task follow from the simulation (graders measure quality only against a real model)."
            )
        }
        for level in summary.levels where level.attempts.total < 10 {
            let label = level.level == nil && level.variant == nil ? "the run" : level.label
            notes.append(
                "\(label) has \(level.attempts.total) measured attempt\(level.attempts.total == 1 ? "" : "s"): too few for stable percentiles and rates (fewer than 10); run it longer (--duration, --attempts)."
            )
        }
        let warmup = summary.levels.reduce(0) { $0 + $1.attempts.warmup }
        if warmup > 0 { notes.append("\(warmup) warm-up attempts were recorded and left out of every figure.") }
        let cancelled = summary.levels.reduce(0) { $0 + $1.attempts.cancelled }
        if cancelled > 0 {
            notes.append(
                "\(cancelled) attempt\(cancelled == 1 ? " was" : "s were") running when the run was stopped: recorded as cancelled, with \(cancelled == 1 ? "its" : "their") steps so far, and left out of every figure."
            )
        }
        let unpriced = Set(summary.levels.flatMap(\.cost.unpricedModels)).sorted()
        if !unpriced.isEmpty {
            notes.append(
                "no price for \(unpriced.joined(separator: ", ")); their tokens are not in the costs (add them with --prices).")
        }
        for assumption in Set(summary.levels.flatMap(\.cost.assumptions)).sorted() {
            notes.append("price assumed — \(assumption).")
        }
        let estimated = summary.levels.reduce(0) { $0 + $1.tokens.estimatedSteps }
        if estimated > 0 { notes.append("\(estimated) steps had no usage from the server; their token counts are estimates.") }
        let errors = summary.levels.reduce(into: [String: Int]()) { $0.merge($1.stepErrors, uniquingKeysWith: +) }
        if !errors.isEmpty {
            notes.append(
                "step errors: " + errors.sorted { $0.key < $1.key }.map { "\($0.key) × \($0.value)" }.joined(separator: ", ")
                    + ".")
        }
        let stops = summary.levels.reduce(into: [String: Int]()) { $0.merge($1.stopReasons, uniquingKeysWith: +) }
        if !stops.isEmpty {
            notes.append(
                "model-driven agents stopped on: "
                    + stops.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.key) × \($0.value)" }
                    .joined(separator: ", ") + ".")
        }
        let fromText = summary.levels.reduce(0) { $0 + $1.toolCallsFromText }
        if fromText > 0 {
            notes.append(
                "\(fromText) model replies wrote their tool calls as text; they were recovered and marked tool_calls_from_text.")
        }
        if summary.levels.contains(where: \.interrupted) {
            notes.append("the run was interrupted; cut levels cover what finished.")
        }
        return notes
    }
}
