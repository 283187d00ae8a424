import AgentMetrics
import Reports

/// The metric family as an HTML table: the rows of the terminal's `FamilyTable`, formatted the
/// same way; a figure the traces cannot support shows `n/a[N]` with note N giving the reason
/// (and the reason as a tooltip).
enum FamilyRows {
    static let budgets = FamilyTable.budgets

    /// The share of graded attempts that passed within `budget` tokens, as the terminal table reads it.
    static func success(_ group: GroupReport, within budget: Int) -> Measure { FamilyTable.success(group, within: budget) }

    static func render(_ groups: [GroupReport], page: inout Page) -> String {
        var reasons: [String] = []
        func cell(_ measure: Measure, _ format: (Double) -> String) -> String {
            if let value = measure.value { return HTML.escape(format(value)) }
            let reason = measure.reason ?? "unavailable"
            if !reasons.contains(reason) { reasons.append(reason) }
            let number = (reasons.firstIndex(of: reason) ?? 0) + 1
            return HTML.element(
                "a", [("class", "na-cell"), ("href", "#na-\(number)"), ("title", reason)], "n/a[\(number)]")
        }
        var rows: [String] = []
        func section(_ title: String) {
            rows.append(
                HTML.element(
                    "tr", [("class", "section")], HTML.element("td", [("colspan", String(groups.count + 1))], HTML.escape(title)))
            )
        }
        func add(_ definition: Definition?, _ label: String, _ value: (GroupReport) -> String) {
            let name = definition.map { page.link($0, label) } ?? HTML.escape(label)
            rows.append(
                HTML.element(
                    "tr", [],
                    HTML.element("td", [("class", "indent")], name) + groups.map { HTML.element("td", [], value($0)) }.joined()))
        }
        section("Attempts")
        add(.familyAttempts, "attempts (graded / passed)") { HTML.escape("\($0.attempts) (\($0.graded) / \($0.passed))") }
        add(.passRate, "pass rate [95% CI]") { g in
            guard let rate = g.passRate.rate else { return "–" }
            return HTML.escape("\(Format.percent(rate)) [\(Format.percent(g.passRate.low))–\(Format.percent(g.passRate.high))]")
        }
        add(.taskLatency, "task latency p50 / p95") {
            HTML.escape("\(Format.seconds($0.taskLatency.p50)) / \(Format.seconds($0.taskLatency.p95))")
        }
        add(nil, "task latency samples") { "\($0.taskLatency.count)" }
        add(nil, "model / tool steps, delegations") { HTML.escape("\($0.modelSteps) / \($0.toolSteps), \($0.delegations)") }
        section("Tokens and cost")
        // Absent is not zero: a bucket the source does not record, or no token counts at all, is n/a.
        func count(_ g: GroupReport, _ value: Int, split: Bool) -> String {
            if g.tokenCounts.value == nil { return cell(g.tokenCounts, Format.rate) }
            if split, g.cacheBuckets.value == nil { return cell(g.cacheBuckets, Format.rate) }
            return HTML.escape(Format.count(value))
        }
        add(nil, "uncached / cache read") { g in
            "\(count(g, g.tokens.uncachedInput, split: false)) / \(count(g, g.tokens.cacheRead, split: true))"
        }
        add(nil, "cache write / output") { g in
            "\(count(g, g.tokens.cacheWrite, split: true)) / \(count(g, g.tokens.output, split: false))"
        }
        add(.cacheReadShare, "cache-read share") { cell($0.cacheReadShare, Format.percent) }
        add(.costBuckets, "cost (all attempts)") { g in
            guard let total = g.costTotal.value else { return cell(g.costTotal, Format.dollars) }
            return HTML.escape(g.unpricedModels.isEmpty ? Format.dollars(total) : "\(Format.dollars(total)) + unpriced")
        }
        add(.costPerArtifact, "cost per artifact") { cell($0.costPerArtifact, Format.dollars) }
        add(nil, "source's own cost / ours") { g in
            "\(cell(g.reportedCost, Format.dollars)) / \(cell(g.computedCostOfReported, Format.dollars))"
        }
        section("Context and verification")
        add(.contextEfficiency, "passed per 1M input tokens") { cell($0.contextEfficiency, Format.rate) }
        add(.contextGrowth, "input growth per model call") { cell($0.contextGrowth, { Format.rate($0) + " tok" }) }
        add(.verification, "verification tokens / artifact") { cell($0.verificationTokensPerArtifact, Format.rate) }
        add(.verification, "verification seconds / artifact") { cell($0.verificationSecondsPerArtifact, Format.seconds) }
        add(.verification, "verification coverage") { cell($0.verificationCoverage, Format.percent) }
        section("Reliability and budget")
        add(.passAtK, "pass@1") { cell($0.passAt1, Format.percent) }
        add(.passAtK, "pass@k / pass^k") { g in
            let k = g.k.map { " (k=\($0))" } ?? ""
            return "\(cell(g.passAtK, Format.percent)) / \(cell(g.passHatK, Format.percent))\(k)"
        }
        add(.budget, "success within 10k / 100k / 1M tokens") { g in
            budgets.map { cell(success(g, within: $0), Format.percent) }.joined(separator: " / ")
        }
        add(.r2, "R² of success on log(tokens)") { cell($0.successOnLogTokensR2, Format.rate) }
        let axes = Set(groups.flatMap(\.capability.keys)).sorted()
        if !axes.isEmpty {
            section("Capability vector (mean score per grader axis)")
            for axis in axes { add(.capability, axis) { $0.capability[axis].map { HTML.escape(Format.rate($0)) } ?? "–" } }
        }
        section("Multi-agent")
        add(.multiAgent, "token multiplier vs single agent") { cell($0.multiAgentTokenMultiplier, { Format.rate($0) + "×" }) }
        add(.multiAgent, "coordination overhead") { cell($0.coordinationOverhead, Format.percent) }
        add(.multiAgent, "accuracy gain per 1k extra tokens") { cell($0.accuracyGainPer1kTokens, Format.rate) }
        section("Learning signal")
        add(.signals, "signals per attempt (distinct)") { g in
            "\(cell(g.signalsPerAttempt, Format.rate)) (\(cell(g.distinctSignalsPerAttempt, Format.rate)))"
        }
        add(.signals, "signals per 1k tokens") { cell($0.signalsPer1kTokens, Format.rate) }
        add(.signals, "tree-rollout leaves per 1k unique tokens") { cell($0.treeRolloutDiversity, Format.rate) }

        let header = HTML.element(
            "tr", [], HTML.element("th", [], "") + groups.map { HTML.element("th", [], HTML.escape($0.key)) }.joined())
        var html = HTML.element(
            "div", [("class", "scroll")],
            HTML.element(
                "table", [("class", "figures")],
                HTML.element("thead", [], header) + HTML.element("tbody", [], "\n" + rows.joined(separator: "\n") + "\n")))
        if !reasons.isEmpty {
            let items = reasons.enumerated().map { HTML.element("li", [("id", "na-\($0.offset + 1)")], HTML.escape($0.element)) }
            html += HTML.element("p", [], "n/a — why a figure is not available:")
            html += HTML.element("ol", [("class", "notes")], items.joined())
        }
        return html
    }
}
