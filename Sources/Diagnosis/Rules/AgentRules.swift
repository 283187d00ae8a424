import AgentMetrics
import Foundation
import Pricing
import Traces

/// Over-delegation: a configuration whose attempts use sub-agents against one whose attempts of
/// the same items do not (a `subagents: off` variant): per task, the sub-agents do not pay for
/// themselves when S = V·ΔQ − ΔC − λ·ΔL < 0 with at least `minimumBoth` items both passed.
struct DelegationRule: DiagnosisRule {
    static let minimumBoth = 5

    func assess(_ input: DiagnosisInput) -> [(FailureMode, RuleVerdict)] {
        let configurations = input.configurations
        let delegating = configurations.filter { c in input.attempts.contains { $0.configuration == c && $0.delegates } }
        guard !delegating.isEmpty else { return [(.overDelegation, .assessed([]))] }
        let single = configurations.filter { c in !input.attempts.contains { $0.configuration == c && $0.delegates } }
        guard !single.isEmpty else {
            return [
                (
                    .overDelegation,
                    .unassessable(
                        "a single-agent baseline of the same tasks: run with --variants and a variant with subagents: off")
                )
            ]
        }
        var findings: [Finding] = []
        for treatment in delegating {
            // The baseline: a single-agent configuration on the same tiers (another tier would
            // confound delegation with routing); none, and the treatment is not compared.
            let tiers = input.attempts.filter { $0.configuration == treatment }.reduce(into: Set<String>()) {
                $0.formUnion($1.chatTiers)
            }
            guard
                let baseline = single.first(where: { c in
                    input.attempts.filter { $0.configuration == c }.reduce(into: Set<String>()) { $0.formUnion($1.chatTiers) }
                        == tiers
                })
            else { continue }
            for comparison in PairedComparison.tasks(
                input, treatment: treatment, baseline: baseline, minimumPairs: PairedThresholds.minimumPairs, where: \.delegates)
            {
                let (low, high) = comparison.surplusInterval
                let bothPassed = comparison.pairs.filter { $0.0.passed && $0.1.passed }.count
                guard comparison.surplus < 0, comparison.deltaCost > 0, bothPassed >= Self.minimumBoth else { continue }
                let with = comparison.pairs.map(\.0)
                let without = comparison.pairs.map(\.1)
                let multiplier =
                    without.reduce(0) { $0 + $1.tokens } > 0
                    ? Double(with.reduce(0) { $0 + $1.tokens }) / Double(without.reduce(0) { $0 + $1.tokens }) : 0
                findings.append(
                    Finding(
                        mode: .overDelegation,
                        summary:
                            "\(comparison.task): sub-agents cost \(dollars(comparison.deltaCost)) more per attempt (\(String(format: "%.1f", multiplier))× the tokens) for \(percent(comparison.deltaQuality)) more passes",
                        tasks: [comparison.task], attempts: with.ids, steps: with.steps, counterfactualSteps: without.steps,
                        moneyWasted: with.cost - without.cost,
                        moneyEstimate: "cost of the \(treatment) attempts − cost of the paired single-agent \(baseline) attempts",
                        secondsWasted: max(0, with.seconds - without.seconds),
                        secondsEstimate: "task latency of the \(treatment) attempts − the paired \(baseline) attempts' (if more)",
                        evidence: comparison.evidence + [Evidence("token multiplier", multiplier, "×")],
                        confidence: Confidence(
                            samples: comparison.n, interval: (low, high),
                            note: "\(comparison.n) paired items of \(treatment) against \(baseline)"),
                        change: "let one agent do \(comparison.task) (no fan-out), or fan out only where it raises the pass rate")
                )
            }
        }
        return [(.overDelegation, .assessed(findings))]
    }
}

/// Under-verification: attempts that finished without a verify step and then failed their grader.
/// With a configuration that verifies the same items (verification on against a
/// `verification: off` variant), per task: verifying pays when S > 0 with ΔQ above zero beyond
/// its 95% interval, and the finding is the (at least `heuristicFailures`) unverified failures
/// the verifying configuration passed. Without one, a heuristic: a task
/// whose unverified finished attempts failed at least `heuristicFailures` times and half the time.
struct VerificationRule: DiagnosisRule {
    static let heuristicFailures = 3

    func assess(_ input: DiagnosisInput) -> [(FailureMode, RuleVerdict)] {
        var findings: [Finding] = []
        let configurations = input.configurations
        let unverifying = configurations.filter { c in !input.attempts.contains { $0.configuration == c && $0.verifies } }
        let verifying = configurations.filter { c in input.attempts.contains { $0.configuration == c && $0.verifies } }
        var covered: Set<String> = []
        for treatment in verifying {
            for baseline in unverifying {
                for comparison in PairedComparison.tasks(
                    input, treatment: treatment, baseline: baseline, minimumPairs: PairedThresholds.minimumPairs,
                    where: \.verifies)
                {
                    covered.insert(comparison.task)
                    let (low, high) = comparison.surplusInterval
                    let failed = comparison.pairs.filter { !$0.1.passed && $0.0.passed && $0.1.record.outcome == .failed }.map(
                        \.1)
                    guard comparison.surplus > 0, comparison.deltaQualityInterval.0 > 0, failed.count >= Self.heuristicFailures
                    else { continue }
                    findings.append(
                        Finding(
                            mode: .underVerification,
                            summary:
                                "\(comparison.task): without verifying, \(failed.count) of \(comparison.n) attempts failed that the verifying \(treatment) passed; verification costs \(dollars(comparison.deltaCost)) per attempt",
                            tasks: [comparison.task], attempts: failed.ids, steps: failed.steps, moneyWasted: failed.cost,
                            moneyEstimate: "cost of the unverified attempts that failed where the verifying configuration passed",
                            secondsWasted: failed.seconds, secondsEstimate: "task latency of those failed attempts",
                            evidence: comparison.evidence,
                            confidence: Confidence(
                                samples: comparison.n, interval: (low, high),
                                note: "\(comparison.n) paired items of \(treatment) against \(baseline)"),
                            change: "verify \(comparison.task) before finishing (a test run or a check step)"))
                }
            }
        }
        // The heuristic, for tasks no pair covered.
        let finishedUnverified = input.attempts.filter {
            !$0.verifies && $0.record.outcome != .error && $0.record.outcome != .timeout && $0.graded
                && !covered.contains($0.task)
        }
        for task in Set(finishedUnverified.map(\.task)).sorted() {
            let attempts = finishedUnverified.filter { $0.task == task }
            let failed = attempts.filter { $0.record.outcome == .failed }
            guard failed.count >= Self.heuristicFailures, 2 * failed.count >= attempts.count else { continue }
            findings.append(
                Finding(
                    mode: .underVerification,
                    summary: "\(task): \(failed.count) of \(attempts.count) attempts finished without a verify step and failed",
                    tasks: [task], attempts: failed.ids, steps: failed.steps, moneyWasted: failed.cost,
                    moneyEstimate: "cost of the failed attempts that never verified", secondsWasted: failed.seconds,
                    secondsEstimate: "task latency of those failed attempts",
                    evidence: [
                        Evidence("unverified finished attempts", Double(attempts.count), "attempts"),
                        Evidence("of them failed", Double(failed.count), "attempts"),
                        Evidence("value lost, V × failures", input.marginal.valuePerSuccess * Double(failed.count), "$"),
                    ],
                    confidence: Confidence(
                        samples: attempts.count, heuristic: true,
                        note:
                            "no verifying configuration of the same items to compare with; run a variant that verifies to measure what it catches"
                    ),
                    change: "add a verify step to \(task) (run the tests, check the answer) before it finishes"))
        }
        return [(.underVerification, .assessed(findings))]
    }
}
