import AgentMetrics
import Foundation
import Pricing
import Traces

/// Serving congestion: across the closed-loop levels of one configuration, the queue share of
/// task time rises by `minimumShareRise` or more from the lowest to the highest level while tool
/// time per attempt stays within `toolFlatness` of itself. Seconds wasted: the queue time per
/// attempt above the lowest level's, times the attempts of each level above it; money: those
/// seconds at λ. Also reported: the marginal latency an added agent imposes (Δ mean task latency
/// ÷ Δ agents, the congestion externality, priced at λ for the other agents) and the level past
/// which passed attempts per second fall.
struct CongestionRule: DiagnosisRule {
    static let minimumShareRise = 0.10
    static let toolFlatness = 0.25

    func assess(_ input: DiagnosisInput) -> [(FailureMode, RuleVerdict)] {
        var findings: [Finding] = []
        var assessable = false
        let byVariant = Dictionary(grouping: input.summary.levels.filter { $0.concurrency != nil }, by: { $0.variant ?? "" })
        for (variant, levels) in byVariant.sorted(by: { $0.key < $1.key }) {
            let ordered = levels.filter { $0.attempts.total > 0 }.sorted { $0.concurrency! < $1.concurrency! }
            guard ordered.count >= 2, let low = ordered.first, let high = ordered.last else { continue }
            assessable = true
            let queueRise = high.breakdownShare.queue - low.breakdownShare.queue
            let toolRatio =
                low.breakdown.tool > 0 ? high.breakdown.tool / low.breakdown.tool : (high.breakdown.tool > 0 ? .infinity : 1)
            guard queueRise >= Self.minimumShareRise, abs(toolRatio - 1) <= Self.toolFlatness else { continue }
            var seconds = 0.0
            var attempts: [AttemptFacts] = []
            for level in ordered.dropFirst() {
                let excess = max(0, level.breakdown.queue - low.breakdown.queue)
                seconds += excess * Double(level.attempts.total)
                attempts += input.attempts.filter {
                    $0.record.level == level.level && ($0.record.variant ?? "") == variant && $0.latency != nil
                }
            }
            // The queued model steps of the congested levels: where the seconds went.
            let lowQueue = low.breakdown.queue
            let steps = attempts.flatMap { attempt in
                attempt.logged.steps.filter { step in
                    guard step.operation == .chat, let scheduled = step.timing.scheduled, let sent = step.timing.sent else {
                        return false
                    }
                    return Double(sent - scheduled) / 1e9 > lowQueue
                }.map { StepReference(attempt: $0.attemptID, step: $0.stepID) }
            }
            let agents = Double(high.concurrency! - low.concurrency!)
            let marginal = ((high.taskLatency.mean ?? 0) - (low.taskLatency.mean ?? 0)) / agents
            let goodput = ordered.map { level in
                (level, level.windowSeconds > 0 ? Double(level.attempts.passed) / level.windowSeconds : 0)
            }
            let knee = zip(goodput, goodput.dropFirst()).first { $0.1.1 < $0.0.1 }?.0.0
            let label = variant.isEmpty ? "" : "\(variant): "
            findings.append(
                Finding(
                    mode: .servingCongestion,
                    summary:
                        "\(label)queue share of task time rose from \(percent(low.breakdownShare.queue)) at c=\(low.concurrency!) to \(percent(high.breakdownShare.queue)) at c=\(high.concurrency!) while tool time stayed flat",
                    tasks: Array(Set(attempts.map(\.task))).sorted(), attempts: attempts.ids, steps: steps,
                    moneyWasted: seconds * input.marginal.pricePerSecond,
                    moneyEstimate: "seconds wasted × λ (\(dollars(input.marginal.pricePerSecond))/s)", secondsWasted: seconds,
                    secondsEstimate: "queue time per attempt above c=\(low.concurrency!)'s, × attempts, at every higher level",
                    evidence: [
                        Evidence("queue share at c=\(low.concurrency!)", low.breakdownShare.queue, "share"),
                        Evidence("queue share at c=\(high.concurrency!)", high.breakdownShare.queue, "share"),
                        Evidence("tool time per attempt, high ÷ low", toolRatio, "×"),
                        Evidence("marginal latency per added agent", marginal, "s"),
                        Evidence(
                            "congestion externality per added agent, λ × marginal × other agents",
                            input.marginal.pricePerSecond * marginal * Double(high.concurrency! - 1), "$"),
                    ] + (knee.map { [Evidence("passed attempts/s fall past c", Double($0.concurrency!), "agents")] } ?? []),
                    confidence: Confidence(
                        samples: low.attempts.total + high.attempts.total,
                        note:
                            "\(low.attempts.total) attempts at c=\(low.concurrency!), \(high.attempts.total) at c=\(high.concurrency!)"
                    ),
                    change: knee.map {
                        "cap concurrency at \($0.concurrency!) agents, or add serving capacity (replicas, a larger batch budget)"
                    } ?? "add serving capacity (replicas, a larger batch budget) or cap concurrency below c=\(high.concurrency!)")
            )
        }
        guard assessable else {
            return [(.servingCongestion, .unassessable("two or more closed-loop concurrency levels of the same configuration"))]
        }
        return [(.servingCongestion, .assessed(findings))]
    }
}

/// Stale rollouts need a policy version per attempt and the trainer's consumption (not yet in
/// the trace schema): the rule says so instead of passing silently.
struct RolloutRule: DiagnosisRule {
    func assess(_ input: DiagnosisInput) -> [(FailureMode, RuleVerdict)] {
        [
            (
                .staleRollouts,
                .unassessable("attempts with a policy_version and training records saying which version consumed them")
            )
        ]
    }
}
