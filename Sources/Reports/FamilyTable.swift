package import AgentMetrics
import Pricing

/// The table of `agentperf analyze`: one row per figure, one column per group (the largest
/// eight; `--json` has all). A figure a trace cannot support shows `n/a` and a numbered note
/// with the reason.
package enum FamilyTable {
    package static let maxColumns = 8
    package static let budgets = [10_000, 100_000, 1_000_000]

    /// The share of graded attempts that passed using at most `budget` tokens, read off the
    /// budget curve (whose last point covers every larger budget).
    package static func success(_ group: GroupReport, within budget: Int) -> Measure {
        guard let last = group.budgetCurve.last else {
            return group.graded == 0 ? group.passAt1 : .unavailable("the traces carry no token counts")
        }
        if budget >= last.tokens { return .value(last.successRate) }
        return .value(group.budgetCurve.last { $0.tokens <= budget }?.successRate ?? 0)
    }

    package static func render(_ report: FamilyReport) -> String {
        let groups = Array(report.groups.sorted { $0.attempts > $1.attempts }.prefix(maxColumns))
        var reasons: [String] = []
        func cell(_ measure: Measure, _ format: (Double) -> String) -> String {
            if let value = measure.value { return format(value) }
            let reason = measure.reason ?? "unavailable"
            if !reasons.contains(reason) { reasons.append(reason) }
            return "n/a[\(reasons.firstIndex(of: reason)! + 1)]"
        }
        var rows: [(String, [String])] = []
        func section(_ title: String) { rows.append((title, [])) }
        func add(_ label: String, _ value: (GroupReport) -> String) { rows.append(("  " + label, groups.map(value))) }

        section("Attempts")
        add("attempts (graded / passed)") { "\($0.attempts) (\($0.graded) / \($0.passed))" }
        add("pass rate [95% CI]") { g in
            guard let rate = g.passRate.rate else { return "–" }
            return "\(Format.percent(rate)) [\(Format.percent(g.passRate.low))–\(Format.percent(g.passRate.high))]"
        }
        add("task latency p50 / p95") { "\(Format.seconds($0.taskLatency.p50)) / \(Format.seconds($0.taskLatency.p95))" }
        add("model / tool steps, delegations") { "\($0.modelSteps) / \($0.toolSteps), \($0.delegations)" }
        section("Tokens and cost")
        // Absent is not zero: a bucket the source does not record, or no token counts at all, is n/a.
        func count(_ g: GroupReport, _ value: Int, split: Bool) -> String {
            if g.tokenCounts.value == nil { return cell(g.tokenCounts, Format.rate) }
            if split, g.cacheBuckets.value == nil { return cell(g.cacheBuckets, Format.rate) }
            return Format.count(value)
        }
        add("uncached / cache read") { g in
            "\(count(g, g.tokens.uncachedInput, split: false)) / \(count(g, g.tokens.cacheRead, split: true))"
        }
        add("cache write / output") { g in
            "\(count(g, g.tokens.cacheWrite, split: true)) / \(count(g, g.tokens.output, split: false))"
        }
        add("cache-read share") { cell($0.cacheReadShare, Format.percent) }
        add("cost (all attempts)") { g in
            guard let total = g.costTotal.value else { return cell(g.costTotal, Format.dollars) }
            return g.unpricedModels.isEmpty ? Format.dollars(total) : "\(Format.dollars(total)) + unpriced"
        }
        add("cost per artifact") { cell($0.costPerArtifact, Format.dollars) }
        add("source's own cost / ours") { g in
            "\(cell(g.reportedCost, Format.dollars)) / \(cell(g.computedCostOfReported, Format.dollars))"
        }
        section("Context and verification")
        add("passed per 1M input tokens") { cell($0.contextEfficiency, Format.rate) }
        add("input growth per model call") { cell($0.contextGrowth, { Format.rate($0) + " tok" }) }
        add("verification tokens / artifact") { cell($0.verificationTokensPerArtifact, Format.rate) }
        add("verification seconds / artifact") { cell($0.verificationSecondsPerArtifact, Format.seconds) }
        add("verification coverage") { cell($0.verificationCoverage, Format.percent) }
        section("Reliability and budget")
        add("pass@1") { cell($0.passAt1, Format.percent) }
        add("pass@k / pass^k") { g in
            let k = g.k.map { " (k=\($0))" } ?? ""
            return "\(cell(g.passAtK, Format.percent)) / \(cell(g.passHatK, Format.percent))\(k)"
        }
        add("success within 10k / 100k / 1M tokens") { g in
            Self.budgets.map { cell(Self.success(g, within: $0), Format.percent) }.joined(separator: " / ")
        }
        add("R² of success on log(tokens)") { cell($0.successOnLogTokensR2, Format.rate) }
        let axes = Set(groups.flatMap(\.capability.keys)).sorted()
        if !axes.isEmpty {
            section("Capability vector (mean score per grader axis)")
            for axis in axes { add(axis) { $0.capability[axis].map(Format.rate) ?? "–" } }
        }
        section("Multi-agent")
        add("token multiplier vs single agent") { cell($0.multiAgentTokenMultiplier, { Format.rate($0) + "×" }) }
        add("coordination overhead") { cell($0.coordinationOverhead, Format.percent) }
        add("accuracy gain per 1k extra tokens") { cell($0.accuracyGainPer1kTokens, Format.rate) }
        section("Learning signal")
        add("signals per attempt (distinct)") { g in
            "\(cell(g.signalsPerAttempt, Format.rate)) (\(cell(g.distinctSignalsPerAttempt, Format.rate)))"
        }
        add("signals per 1k tokens") { cell($0.signalsPer1kTokens, Format.rate) }
        add("tree-rollout leaves per 1k unique tokens") { cell($0.treeRolloutDiversity, Format.rate) }

        var table = ColumnBlocks(titles: groups.map { Self.shortened($0.key) })
        table.rows = rows.map { label, values in values.isEmpty ? .section(label.trimmingPrefix("  ")) : .values(label, values) }
        var text =
            "AgentPerf analyze · \(report.sources) source\(report.sources == 1 ? "" : "s") · grouped by \(report.groupBy) · prices \(report.priceTable)\n"
        text += table.render()
        if report.groups.count > groups.count {
            text +=
                "(\(report.groups.count - groups.count) more groups, smaller than these \(groups.count), not shown; --json lists every group)\n"
        }
        for (i, reason) in reasons.enumerated() { text += Format.wrap("[\(i + 1)] \(reason)", indent: "    ") }
        for flip in report.rankFlips.prefix(10) {
            text += "Rank flip: \(flip.first) leads on \(flip.axisFirstLeads), \(flip.second) on \(flip.axisSecondLeads).\n"
        }
        let simulated = report.groups.reduce(0) { $0 + $1.simulatedGrades }
        if simulated > 0 {
            text += Format.wrap(
                "Note: quality is simulated for \(simulated) graded attempts (scripted tasks pass by a seeded draw from pass_probability; on the built-in fleet simulate: scripts write the answers); figures conditioned on passing follow from the simulation.",
                indent: "      ")
        }
        let unpriced = Set(report.groups.flatMap(\.unpricedModels)).sorted()
        if !unpriced.isEmpty { text += "Note: no price for \(unpriced.joined(separator: ", ")) (add them with --prices).\n" }
        for assumption in Set(report.groups.flatMap(\.priceAssumptions)).sorted() {
            text += "Note: price assumed — \(assumption).\n"
        }
        return text
    }
}

extension FamilyTable {
    /// A group label short enough for a column, still telling long ones apart: its start and its
    /// end, with `…` between (two session labels usually differ at the end).
    package static func shortened(_ label: String, to length: Int = 28) -> String {
        guard label.count > length else { return label }
        let head = (length - 1) / 2
        return String(label.prefix(head)) + "…" + String(label.suffix(length - 1 - head))
    }
}

extension String {
    fileprivate func trimmingPrefix(_ prefix: String) -> String { hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self }
}
