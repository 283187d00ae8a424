import AgentMetrics
import Foundation
import Pricing
import Traces

/// Serving congestion: across the closed-loop levels of one configuration (at least
/// `minimumAttempts` measured attempts each), the queue share of task time rises by
/// `minimumShareRise` or more from the lowest to the highest level while the mean tool step stays
/// within `toolFlatness` of itself. Seconds wasted: the queue time per attempt above the lowest
/// level's, times the attempts of each level above it; money: those seconds at λ. Also reported:
/// the marginal latency an added agent imposes (Δ mean task latency ÷ Δ agents, the congestion
/// externality, priced at λ for the other agents) and the level past which passed attempts per
/// second fall.
struct CongestionRule: DiagnosisRule {
    static let minimumShareRise = 0.10
    static let toolFlatness = 0.25
    static let minimumAttempts = 3

    func assess(_ input: DiagnosisInput) -> [(FailureMode, RuleVerdict)] {
        var findings: [Finding] = []
        var assessable = false
        let byVariant = Dictionary(grouping: input.summary.levels.filter { $0.concurrency != nil }, by: { $0.variant ?? "" })
        for (variant, levels) in byVariant.sorted(by: { $0.key < $1.key }) {
            let ordered = levels.filter { $0.attempts.total >= Self.minimumAttempts }.sorted { $0.concurrency! < $1.concurrency! }
            guard ordered.count >= 2, let low = ordered.first, let high = ordered.last, let lowAgents = low.concurrency,
                let highAgents = high.concurrency, lowAgents != highAgents
            else { continue }
            assessable = true
            let queueRise = high.breakdownShare.queue - low.breakdownShare.queue
            // Per tool step, so that another task mix at each level does not pass for a change in tool time.
            let toolRatio: Double =
                switch (
                    Self.meanToolStep(Self.attempts(at: low, variant: variant, input)),
                    Self.meanToolStep(Self.attempts(at: high, variant: variant, input))
                ) {
                case (let a?, let b?) where a > 0: b / a
                case (nil, nil): 1
                default: .infinity
                }
            guard queueRise >= Self.minimumShareRise, abs(toolRatio - 1) <= Self.toolFlatness else { continue }
            var seconds = 0.0
            var attempts: [AttemptFacts] = []
            for level in ordered.dropFirst() {
                seconds += max(0, level.breakdown.queue - low.breakdown.queue) * Double(level.attempts.total)
                attempts += Self.attempts(at: level, variant: variant, input)
            }
            // The model steps of the congested levels that queued (client and server) longer than
            // the lowest level's mean model step: where the seconds went.
            let lowQueue = low.queue.mean ?? 0
            let steps = attempts.flatMap { attempt in
                attempt.logged.steps.filter { step in
                    guard step.operation == .chat, let scheduled = step.timing.scheduled, let sent = step.timing.sent else {
                        return false
                    }
                    return Double(sent - scheduled + (step.timing.serverQueue ?? 0)) / 1e9 > lowQueue
                }.map { StepReference(attempt: $0.attemptID, step: $0.stepID) }
            }
            let marginal = zip2(high.taskLatency.mean, low.taskLatency.mean).map { ($0 - $1) / Double(highAgents - lowAgents) }
            // Passed attempts per second; a level without a window has none to compare.
            let goodput = ordered.compactMap { level in
                level.windowSeconds > 0 ? (level, Double(level.attempts.passed) / level.windowSeconds) : nil
            }
            let knee = zip(goodput, goodput.dropFirst()).first { $0.1.1 < $0.0.1 }?.0.0.concurrency
            let label = variant.isEmpty ? "" : "\(variant): "
            var evidence = [
                Evidence("queue share at c=\(lowAgents)", low.breakdownShare.queue, "share"),
                Evidence("queue share at c=\(highAgents)", high.breakdownShare.queue, "share"),
                Evidence("mean tool step, high ÷ low", toolRatio, "×"),
            ]
            if let marginal {
                evidence.append(Evidence("marginal latency per added agent", marginal, "s"))
                evidence.append(
                    Evidence(
                        "congestion externality per added agent, λ × marginal × other agents",
                        input.marginal.pricePerSecond * marginal * Double(highAgents - 1), "$"))
            }
            if let knee { evidence.append(Evidence("passed attempts/s fall past c", Double(knee), "agents")) }
            findings.append(
                Finding(
                    mode: .servingCongestion,
                    summary:
                        "\(label)queue share of task time rose from \(percent(low.breakdownShare.queue)) at c=\(lowAgents) to \(percent(high.breakdownShare.queue)) at c=\(highAgents) while tool steps stayed as long",
                    tasks: Array(Set(attempts.map(\.task))).sorted(), attempts: attempts.ids, steps: steps,
                    moneyWasted: seconds * input.marginal.pricePerSecond,
                    moneyEstimate: "seconds wasted × λ (\(dollars(input.marginal.pricePerSecond))/s)", secondsWasted: seconds,
                    secondsEstimate: "queue time per attempt above c=\(lowAgents)'s, × attempts, at every higher level",
                    evidence: evidence,
                    confidence: Confidence(
                        samples: low.attempts.total + high.attempts.total,
                        note: "\(low.attempts.total) attempts at c=\(lowAgents), \(high.attempts.total) at c=\(highAgents)"),
                    change: knee.map {
                        "cap concurrency at \($0) agents, or add serving capacity (replicas, a larger batch budget)"
                    }
                        ?? "add serving capacity (replicas, a larger batch budget) or cap concurrency below c=\(highAgents)"))
        }
        guard assessable else {
            return [
                (
                    .servingCongestion,
                    .unassessable(
                        "two or more closed-loop concurrency levels of the same configuration, with \(Self.minimumAttempts) or more attempts each"
                    )
                )
            ]
        }
        return [(.servingCongestion, .assessed(findings))]
    }

    static func attempts(at level: LevelSummary, variant: String, _ input: DiagnosisInput) -> [AttemptFacts] {
        input.attempts.filter { $0.record.level == level.level && ($0.record.variant ?? "") == variant }
    }

    /// Mean seconds of the tool steps of `attempts`; nil without any.
    static func meanToolStep(_ attempts: [AttemptFacts]) -> Double? {
        let seconds = attempts.flatMap(\.logged.steps).compactMap { step -> Double? in
            guard step.operation == .executeTool, let start = step.timing.sent ?? step.timing.scheduled, let end = step.timing.end
            else { return nil }
            return Double(end - start) / 1e9
        }
        return seconds.isEmpty ? nil : seconds.reduce(0, +) / Double(seconds.count)
    }
}

/// Both values, when both are known.
func zip2(_ a: Double?, _ b: Double?) -> (Double, Double)? {
    guard let a, let b else { return nil }
    return (a, b)
}

/// Stale rollouts: attempts that carry a `policy_version` and the trainer's
/// `consumed_at_version`, consumed more than `DiagnosisInput.maxStaleness` versions after the
/// policy that generated them (off-policy beyond what the trainer tolerates). A finding when at
/// least `minimumStale` are: money wasted is their cost, seconds their task latency, and the
/// learning signal wasted their next-state signals (tool results and errors, one per step that
/// observed something, plus each grader outcome).
struct RolloutRule: DiagnosisRule {
    static let minimumStale = 3

    func assess(_ input: DiagnosisInput) -> [(FailureMode, RuleVerdict)] {
        let versioned = input.attempts.filter { $0.record.policyVersion != nil && $0.record.consumedVersion != nil }
        guard !versioned.isEmpty else {
            return [
                (
                    .staleRollouts,
                    .unassessable(
                        "attempts with a policy_version and the consumed_at_version of the trainer (a workload rollouts: section)"
                    )
                )
            ]
        }
        func staleness(_ attempt: AttemptFacts) -> Int {
            (attempt.record.consumedVersion ?? 0) - (attempt.record.policyVersion ?? 0)
        }
        let stale = versioned.filter { staleness($0) > input.maxStaleness }
        guard stale.count >= Self.minimumStale else { return [(.staleRollouts, .assessed([]))] }
        let signals = stale.reduce(0) { total, attempt in
            total + attempt.logged.steps.filter { $0.observationHash != nil }.count + (attempt.graded ? 1 : 0)
        }
        let mean = Double(versioned.reduce(0) { $0 + staleness($1) }) / Double(versioned.count)
        let finding = Finding(
            mode: .staleRollouts,
            summary:
                "\(stale.count) of \(versioned.count) rollouts were consumed more than \(input.maxStaleness) policy versions after the policy that generated them",
            tasks: Array(Set(stale.map(\.task))).sorted(), attempts: stale.ids, steps: stale.steps, moneyWasted: stale.cost,
            moneyEstimate: "cost of the stale rollouts (generated by a policy the trainer had moved past)",
            secondsWasted: stale.seconds, secondsEstimate: "task latency of the stale rollouts",
            evidence: [
                Evidence("rollouts with versions", Double(versioned.count), "attempts"),
                Evidence("stale (more than \(input.maxStaleness) behind)", Double(stale.count), "attempts"),
                Evidence("mean staleness", mean, "versions"),
                Evidence("largest staleness", Double(versioned.map(staleness).max() ?? 0), "versions"),
                Evidence("learning signals in stale rollouts", Double(signals), "signals"),
            ],
            confidence: Confidence(
                samples: versioned.count, note: "versions as the trace records them; the tolerance is --max-staleness"),
            change:
                "bound the lag: fewer rollouts in flight per update, shorter rollouts, or drop (or importance-weight) rollouts more than \(input.maxStaleness) versions old"
        )
        return [(.staleRollouts, .assessed([finding]))]
    }
}
