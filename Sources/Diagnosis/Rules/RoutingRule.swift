import AgentMetrics
import Foundation
import Pricing
import Traces

/// Over- and under-routing from paired single-tier configurations (variants such as
/// `small: {tier: small}` and `large: {tier: large}`): per task, S = V·ΔQ − ΔC − λ·ΔL of the
/// large tier over the small one (SPEC §6). Over-routing: S < 0 and at least `minimumBoth`
/// items that both tiers passed (large-tier calls where the small tier passes the same task).
/// Under-routing: S > 0, ΔQ above zero beyond its 95% interval, and at least `minimumFailures`
/// items the small tier failed and the large one passed. The interval of S is reported either way.
struct RoutingRule: DiagnosisRule {
    static let minimumBoth = 5
    static let minimumFailures = 3

    func assess(_ input: DiagnosisInput) -> [(FailureMode, RuleVerdict)] {
        guard let (small, large) = Self.tierPair(input) else {
            let needs =
                "paired single-tier configurations: run with --variants and variants that put every call on one tier (small: {tier: small}, large: {tier: large})"
            return [(.overRouting, .unassessable(needs)), (.underRouting, .unassessable(needs))]
        }
        var over: [Finding] = []
        var under: [Finding] = []
        let comparisons = PairedComparison.tasks(
            input, treatment: large.name, baseline: small.name, minimumPairs: PairedThresholds.minimumPairs)
        guard !comparisons.isEmpty else {
            let needs = "\(PairedThresholds.minimumPairs)+ graded paired items per task under \(small.name) and \(large.name)"
            return [(.overRouting, .unassessable(needs)), (.underRouting, .unassessable(needs))]
        }
        for comparison in comparisons {
            let (low, high) = comparison.surplusInterval
            let confidence = Confidence(
                samples: comparison.n, interval: (low, high),
                note: "\(comparison.n) paired items of \(large.name) against \(small.name); S's 95% interval from ΔQ's")
            let bothPassed = comparison.pairs.filter { $0.0.passed && $0.1.passed }.count
            if comparison.surplus < 0, comparison.deltaCost > 0, bothPassed >= Self.minimumBoth {
                let largeAttempts = comparison.pairs.map(\.0)
                let smallAttempts = comparison.pairs.map(\.1)
                over.append(
                    Finding(
                        mode: .overRouting,
                        summary:
                            "\(comparison.task): the \(large.tier) tier costs \(dollars(comparison.deltaCost)) more per attempt for \(signedPercent(comparison.deltaQuality)) passes, worth \(dollars(input.marginal.valuePerSuccess * comparison.deltaQuality))",
                        tasks: [comparison.task], attempts: largeAttempts.ids, steps: largeAttempts.steps,
                        counterfactualSteps: smallAttempts.steps, moneyWasted: largeAttempts.cost - smallAttempts.cost,
                        moneyEstimate: "cost of the \(large.name) attempts − cost of the paired \(small.name) attempts",
                        secondsWasted: max(0, largeAttempts.seconds - smallAttempts.seconds),
                        secondsEstimate:
                            "task latency of the \(large.name) attempts − the paired \(small.name) attempts' (if more)",
                        evidence: comparison.evidence, confidence: confidence,
                        change: "route \(comparison.task) to the \(small.tier) tier (a tier remap, or escalate only on failure)"))
            } else if comparison.surplus > 0, comparison.deltaQualityInterval.0 > 0 {
                let failed = comparison.pairs.filter { !$0.1.passed && $0.0.passed }.map(\.1)
                guard failed.count >= Self.minimumFailures else { continue }
                under.append(
                    Finding(
                        mode: .underRouting,
                        summary:
                            "\(comparison.task): the \(small.tier) tier failed \(failed.count) of \(comparison.n) items the \(large.tier) tier passes; a pass is worth \(dollars(input.marginal.valuePerSuccess)), the \(large.tier) tier costs \(dollars(comparison.deltaCost)) more",
                        tasks: [comparison.task], attempts: failed.ids, steps: failed.steps, moneyWasted: failed.cost,
                        moneyEstimate: "cost of the \(small.name) attempts that failed where \(large.name) passed",
                        secondsWasted: failed.seconds, secondsEstimate: "task latency of those failed attempts",
                        evidence: comparison.evidence
                            + [Evidence("value lost, V × failures", input.marginal.valuePerSuccess * Double(failed.count), "$")],
                        confidence: confidence,
                        change: "route \(comparison.task) to the \(large.tier) tier, or cascade \(small.tier) → \(large.tier)"))
            }
        }
        return [(.overRouting, .assessed(over)), (.underRouting, .assessed(under))]
    }

    /// The cheaper and the dearer of the configurations whose chat calls all went to one tier
    /// (for each tier, the configuration named after it, else the first by name).
    static func tierPair(_ input: DiagnosisInput) -> (small: (name: String, tier: String), large: (name: String, tier: String))? {
        var byTier: [String: String] = [:]
        var costs: [String: Double] = [:]
        for configuration in input.configurations {
            let attempts = input.attempts.filter { $0.configuration == configuration }
            let tiers = attempts.reduce(into: Set<String>()) { $0.formUnion($1.chatTiers) }
            guard tiers.count == 1, let tier = tiers.first else { continue }
            if byTier[tier] == nil || configuration == tier { byTier[tier] = configuration }
            costs[configuration] = attempts.cost / Double(max(attempts.count, 1))
        }
        // Cheaper first; equal costs (unpriced models) by tier name, so the order never depends on hashing.
        let ranked = byTier.map { (name: $0.value, tier: $0.key) }.sorted {
            (costs[$0.name] ?? 0, Self.tierOrder($0.tier), $0.tier) < (costs[$1.name] ?? 0, Self.tierOrder($1.tier), $1.tier)
        }
        guard ranked.count >= 2, let small = ranked.first, let large = ranked.last else { return nil }
        return (small, large)
    }
}

/// `$0.0327`, `-$0.28`, `$1.25`: three significant digits (at least two decimals).
extension RoutingRule {
    /// small before large, other names after.
    static func tierOrder(_ tier: String) -> Int { ["small": 0, "large": 1][tier] ?? 2 }
}

func dollars(_ value: Double) -> String {
    guard value != 0, value.isFinite else { return value.isFinite ? "$0" : "n/a" }
    let magnitude = abs(value)
    let decimals = max(2, 2 - Int(floor(log10(magnitude))))
    return (value < 0 ? "-$" : "$") + String(format: "%.\(decimals)f", magnitude)
}

/// `57%`, `0.4%`.
func percent(_ share: Double) -> String { String(format: abs(share) < 0.1 ? "%.1f%%" : "%.0f%%", share * 100) }
