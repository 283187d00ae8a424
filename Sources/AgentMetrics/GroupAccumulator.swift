import Foundation
import Pricing
import Traces

/// Sums over the attempts of one group.
struct GroupAccumulator {
    var attempts = 0
    var graded = 0
    var simulatedGrades = 0
    var passed = 0
    var errored = 0
    var latency = LatencyDistribution()
    var modelSteps = 0
    var toolSteps = 0
    var delegations = 0
    var tokens = TokenTotals()
    var attemptsWithUsage = 0
    var modelStepsWithoutUsage = 0
    var priced = PricedUsage()
    var reportedCost = 0.0
    var computedOfReported = 0.0
    var attemptsWithReportedCost = 0
    /// Models left unpriced in attempts that carry a reported cost (ours cannot be set beside it).
    var unpricedBesideReported: Set<String> = []
    var verifyTokens = 0
    var verifySeconds = 0.0
    var verifiedAttempts = 0
    var slopeSum = 0.0
    var slopeCount = 0
    var perTask: [String: (n: Int, c: Int)] = [:]
    var axes: [String: (sum: Double, count: Int)] = [:]
    var budget = Regression()
    var passedWithin: [Int: Int] = [:]  // budget bucket → passed attempts with tokens ≤ bucket
    var maxTokens = 0
    var single: [String: (n: Int, tokens: Double, passed: Int)] = [:]
    var multi: [String: (n: Int, tokens: Double, passed: Int)] = [:]
    var signals = 0
    var distinctSignals = 0
    var signalTokens = 0
    var userTurns = 0
    var rollouts = RolloutTree()
    var multiAgentTokens = 0
    var multiAgentMainTokens = 0
    /// Delegating attempts whose sub-agents' own steps are absent (every token is the main agent's).
    var delegatingWithoutSubagentTokens = 0
    /// Attempts whose source declared it does not record the quantity.
    var unrecorded: [UnrecordedQuantity: Int] = [:]
    /// Attempts with token counts whose source records no cache split.
    var usageWithoutSplit = 0
    /// Attempts with a reported cost but no token counts (ours cannot be set beside theirs).
    var reportedWithoutUsage = 0

    /// Budgets: 1-2-5 series from 1k to 100M tokens.
    static let budgets: [Int] = (3...8).flatMap { exponent -> [Int] in
        let base = Int(pow(10.0, Double(exponent)))
        return [base, 2 * base, 5 * base]
    }

    mutating func add(_ attempt: AttemptRecord, _ p: AttemptProgress, notRecorded: Set<UnrecordedQuantity> = []) {
        attempts += 1
        for quantity in notRecorded { unrecorded[quantity, default: 0] += 1 }
        // Tokens whose cache split is unknown: only attempts that have tokens at all (a source
        // with none says so through `token_counts`).
        if notRecorded.contains(.cacheBuckets), p.hasUsage { usageWithoutSplit += 1 }
        let outcome = attempt.outcome
        if outcome.isGraded { graded += 1 }
        if attempt.gradeSimulated { simulatedGrades += 1 }
        if outcome == .passed { passed += 1 }
        if outcome == .error || outcome == .timeout { errored += 1 }
        if let nanoseconds = attempt.latency, p.hasTimes || attempt.scheduled != nil { latency.record(nanoseconds: nanoseconds) }
        modelSteps += p.modelSteps
        toolSteps += p.toolSteps
        delegations += p.delegations
        modelStepsWithoutUsage += p.modelStepsWithoutUsage
        if p.hasUsage {
            attemptsWithUsage += 1
            tokens.uncachedInput += p.usage.uncachedInput
            tokens.cacheRead += p.usage.cacheRead
            tokens.cacheWrite += p.usage.cacheWrite
            tokens.output += p.usage.output
            tokens.reasoning += p.usage.reasoning
            tokens.estimatedSteps += p.estimatedSteps
        }
        tokens.stepsWithoutUsage += p.modelStepsWithoutUsage
        priced += p.priced
        if let reported = attempt.reportedCost ?? p.reportedStepCost {
            reportedCost += reported
            computedOfReported += p.priced.cost.total
            attemptsWithReportedCost += 1
            unpricedBesideReported.formUnion(p.priced.unpricedModels)
            if !p.hasUsage { reportedWithoutUsage += 1 }
        }
        verifyTokens += p.verifyTokens
        verifySeconds += p.verifySeconds
        if p.verified { verifiedAttempts += 1 }
        if let slope = p.contextGrowthSlope {
            slopeSum += slope
            slopeCount += 1
        }
        let total = p.usage.total
        if outcome.isGraded {
            perTask[attempt.task, default: (0, 0)].n += 1
            if outcome == .passed { perTask[attempt.task, default: (0, 0)].c += 1 }
            for (axis, value) in attempt.graderAxes {
                axes[axis, default: (0, 0)].sum += value; axes[axis, default: (0, 0)].count += 1
            }
            if p.hasUsage, total > 0 {
                budget.add(x: log(Double(total)), y: outcome == .passed ? 1 : 0)
                maxTokens = max(maxTokens, total)
                if outcome == .passed, let bucket = Self.budgets.first(where: { total <= $0 }) {
                    passedWithin[bucket, default: 0] += 1
                }
            }
            if p.hasUsage, !p.isMultiAgent || p.subAgentTokens > 0 {
                if p.isMultiAgent {
                    var entry = multi[attempt.task, default: (0, 0, 0)]
                    entry.n += 1
                    entry.tokens += Double(total)
                    if outcome == .passed { entry.passed += 1 }
                    multi[attempt.task] = entry
                } else {
                    var entry = single[attempt.task, default: (0, 0, 0)]
                    entry.n += 1
                    entry.tokens += Double(total)
                    if outcome == .passed { entry.passed += 1 }
                    single[attempt.task] = entry
                }
            }
        }
        if p.isMultiAgent, p.hasUsage {
            // A delegation whose sub-agent left no steps here (a Claude Code Task without its
            // side-chain transcript) would read as 100% coordination: its split is unknown.
            if p.subAgentTokens > 0, p.mainAgentTokens > 0 {
                multiAgentTokens += total
                multiAgentMainTokens += p.mainAgentTokens
            } else {
                delegatingWithoutSubagentTokens += 1
            }
        }
        rollouts.add(p.rolloutPath, task: attempt.task)
        let turns = attempt.userTurns ?? 0
        userTurns += turns
        signals += p.signals + turns + (outcome.isGraded ? 1 : 0)
        distinctSignals += p.distinctSignals.count + turns + (outcome.isGraded ? 1 : 0)
        signalTokens += total
    }

    func report(key: String, requestedK: Int?) -> GroupReport {
        let inputTokens = tokens.uncachedInput + tokens.cacheRead + tokens.cacheWrite
        let allTokens = inputTokens + tokens.output
        var totals = tokens
        totals.cacheReadShare =
            allTokens > 0 && usageWithoutSplit == 0 ? Double(tokens.cacheRead) / Double(allTokens) : nil
        let noUsage = "the traces carry no token counts"
        let noGrades = "no attempt was graded (these traces record no grader outcome)"
        let cost = priced.cost.total
        let costComplete = priced.unpricedModels.isEmpty

        func perArtifact(_ value: Double, unit: String) -> Measure {
            if graded == 0 { return .unavailable(noGrades) }
            if passed == 0 { return .unavailable("no attempt passed, so no artifact to divide by") }
            return .value(value / Double(passed))
        }
        let withoutSplit = usageWithoutSplit
        let noSplit =
            "\(withoutSplit) of \(attemptsWithUsage) attempts with token counts come from sources that record input tokens without their cache split (uncached counts all of their input)"
        let tokenCounts: Measure = attemptsWithUsage > 0 ? .value(1) : .unavailable(noUsage)
        let cacheBuckets: Measure = withoutSplit > 0 ? .unavailable(noSplit) : tokenCounts
        let costTotal: Measure =
            attemptsWithUsage == 0 && cost == 0
            ? .unavailable(noUsage)
            : !costComplete && cost == 0
                ? .unavailable("no price for \(priced.unpricedModels.sorted().joined(separator: ", "))") : .value(cost)
        let costPerArtifact: Measure =
            !costComplete
            ? .unavailable("no price for \(priced.unpricedModels.sorted().joined(separator: ", "))")
            : attemptsWithUsage == 0 ? .unavailable(noUsage) : perArtifact(cost, unit: "$")

        let k = requestedK ?? perTask.values.filter { $0.n >= 2 }.map(\.n).min()
        func averaged(_ f: (Int, Int, Int) -> Double?, k: Int) -> Measure {
            let values = perTask.values.compactMap { f($0.n, $0.c, k) }
            if graded == 0 { return .unavailable(noGrades) }
            guard !values.isEmpty else { return .unavailable("no task has \(k) graded attempts") }
            return .value(values.reduce(0, +) / Double(values.count))
        }
        let passAtK: Measure =
            k.map { averaged(Reliability.passAtK, k: $0) }
            ?? (graded == 0 ? .unavailable(noGrades) : .unavailable("no task has two or more graded attempts"))
        let passHatK: Measure =
            k.map { averaged(Reliability.passHatK, k: $0) }
            ?? (graded == 0 ? .unavailable(noGrades) : .unavailable("no task has two or more graded attempts"))

        var curve: [BudgetPoint] = []
        if graded > 0, attemptsWithUsage > 0 {
            var cumulative = 0
            for bucket in Self.budgets {
                cumulative += passedWithin[bucket] ?? 0
                curve.append(BudgetPoint(tokens: bucket, successRate: Double(cumulative) / Double(graded)))
                if bucket >= maxTokens { break }
            }
        }

        let shared = Set(single.keys).intersection(multi.keys)
        let multiplier: Measure
        let gain: Measure
        if shared.isEmpty {
            let reason =
                !multi.isEmpty
                ? "no task was also run by a single agent"
                : delegatingWithoutSubagentTokens > 0
                    ? "the sub-agents' own steps are absent from these traces, so multi-agent token counts are incomplete"
                    : "no attempt delegated to sub-agents"
            multiplier = .unavailable(graded == 0 ? noGrades : reason)
            gain = .unavailable(graded == 0 ? noGrades : reason)
        } else {
            let s = shared.map { single[$0]! }, m = shared.map { multi[$0]! }
            let singleTokens = s.reduce(0) { $0 + $1.tokens } / Double(s.reduce(0) { $0 + $1.n })
            let multiTokens = m.reduce(0) { $0 + $1.tokens } / Double(m.reduce(0) { $0 + $1.n })
            let singleRate = Double(s.reduce(0) { $0 + $1.passed }) / Double(s.reduce(0) { $0 + $1.n })
            let multiRate = Double(m.reduce(0) { $0 + $1.passed }) / Double(m.reduce(0) { $0 + $1.n })
            multiplier =
                singleTokens > 0 ? .value(multiTokens / singleTokens) : .unavailable("single-agent attempts used no tokens")
            gain =
                multiTokens > singleTokens
                ? .value((multiRate - singleRate) / ((multiTokens - singleTokens) / 1000))
                : .unavailable("multi-agent attempts used no more tokens than single-agent ones")
        }
        let coordination: Measure =
            multiAgentTokens > 0
            ? .value(Double(multiAgentMainTokens) / Double(multiAgentTokens))
            : .unavailable(
                delegations == 0
                    ? "no attempt delegated to sub-agents"
                    : delegatingWithoutSubagentTokens > 0
                        ? "the sub-agents' own steps are absent from these traces (\(delegatingWithoutSubagentTokens) delegating attempts record tokens of the main agent only), so the main agent's share is unknown"
                        : noUsage)

        var report = GroupReport(
            key: key, attempts: attempts, graded: graded, passed: passed, errored: errored,
            passRate: Proportion(successes: passed, trials: graded), taskLatency: latency.summary, modelSteps: modelSteps,
            toolSteps: toolSteps, delegations: delegations, tokens: totals, cost: priced.cost,
            unpricedModels: priced.unpricedModels.sorted(), priceAssumptions: priced.assumptions.sorted().map(\.description),
            priceEntries: priced.entries,
            reportedCost: attemptsWithReportedCost > 0 ? .value(reportedCost) : .unavailable("the sources record no cost"),
            computedCostOfReported: attemptsWithReportedCost == 0
                ? .unavailable("the sources record no cost")
                : reportedWithoutUsage > 0
                    ? .unavailable(
                        "\(reportedWithoutUsage) of the \(attemptsWithReportedCost) attempts with a recorded cost carry no token counts to price"
                    )
                    : !unpricedBesideReported.isEmpty
                        ? .unavailable("no price for \(unpricedBesideReported.sorted().joined(separator: ", "))")
                        : .value(computedOfReported),
            costPerArtifact: costPerArtifact,
            cacheReadShare: cacheBuckets.value == nil
                ? cacheBuckets : allTokens > 0 ? .value(Double(tokens.cacheRead) / Double(allTokens)) : .unavailable(noUsage),
            contextEfficiency: graded == 0
                ? .unavailable(noGrades)
                : inputTokens > 0 ? .value(Double(passed) / (Double(inputTokens) / 1e6)) : .unavailable(noUsage),
            contextGrowth: slopeCount > 0
                ? .value(slopeSum / Double(slopeCount))
                : .unavailable("needs per-step token counts for attempts of two or more model calls"),
            verificationTokensPerArtifact: verifiedAttempts == 0
                ? .unavailable("no verify step in these attempts")
                : perArtifact(Double(verifyTokens), unit: "tokens"),
            verificationSecondsPerArtifact: verifiedAttempts == 0
                ? .unavailable("no verify step in these attempts")
                : perArtifact(verifySeconds, unit: "s"),
            verificationCoverage: attempts > 0
                ? .value(Double(verifiedAttempts) / Double(attempts)) : .unavailable("no attempts"),
            passAt1: averaged(Reliability.passAtK, k: 1), passAtK: passAtK, passHatK: passHatK, k: k,
            capability: axes.mapValues { $0.sum / Double($0.count) }, budgetCurve: curve,
            successOnLogTokensR2: graded == 0
                ? .unavailable(noGrades)
                : budget.rSquared.map { .value($0) }
                    ?? .unavailable("needs three or more graded attempts with token counts and both outcomes"),
            multiAgentTokenMultiplier: multiplier, coordinationOverhead: coordination, accuracyGainPer1kTokens: gain,
            signalsPerAttempt: attempts > 0 ? .value(Double(signals) / Double(attempts)) : .unavailable("no attempts"),
            distinctSignalsPerAttempt: attempts > 0
                ? .value(Double(distinctSignals) / Double(attempts)) : .unavailable("no attempts"),
            signalsPer1kTokens: signalTokens > 0
                ? .value(Double(signals) / (Double(signalTokens) / 1000)) : .unavailable(noUsage),
            treeRolloutDiversity: rollouts.diversity)
        report.simulatedGrades = simulatedGrades
        report.tokenCounts = tokenCounts
        report.cacheBuckets = cacheBuckets
        report.costTotal = costTotal
        report.unrecorded = Dictionary(uniqueKeysWithValues: unrecorded.map { ($0.key.rawValue, $0.value) })
        return report
    }
}
