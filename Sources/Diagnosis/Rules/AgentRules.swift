import AgentMetrics
import Foundation
import Pricing
import Traces

/// Over-delegation: a configuration whose attempts use sub-agents against a single-agent one on
/// the same tiers (a `subagents: off` variant), on the tasks where the first delegates: per task,
/// the sub-agents do not pay for themselves when S = V·ΔQ − ΔC − λ·ΔL < 0, ΔC > 0, with at least
/// `minimumBoth` items both passed.
struct DelegationRule: DiagnosisRule {
    static let minimumBoth = 5

    func assess(_ input: DiagnosisInput) -> [(FailureMode, RuleVerdict)] {
        guard input.hasGrades else { return [(.overDelegation, .unassessable("graded attempts"))] }
        let configurations = input.configurations
        let delegating = configurations.filter { !input.tasks(of: $0, where: \.delegates).isEmpty }
        // Nothing delegated: there is no delegation to have overdone.
        guard !delegating.isEmpty else { return [(.overDelegation, .assessed([]))] }
        let single = configurations.filter { input.tasks(of: $0, where: \.delegates).isEmpty }
        var findings: [Finding] = []
        var compared = 0
        for treatment in delegating {
            // A baseline on other tiers would confound delegation with routing.
            guard let baseline = single.first(where: { input.tiers(of: $0) == input.tiers(of: treatment) }) else { continue }
            let comparisons = PairedComparison.tasks(
                input, treatment: treatment, baseline: baseline, minimumPairs: PairedThresholds.minimumPairs,
                tasks: input.tasks(of: treatment, where: \.delegates))
            compared += comparisons.count
            for comparison in comparisons {
                let (low, high) = comparison.surplusInterval
                let bothPassed = comparison.pairs.filter { $0.0.passed && $0.1.passed }.count
                guard comparison.surplus < 0, comparison.deltaCost > 0, bothPassed >= Self.minimumBoth else { continue }
                let with = comparison.pairs.map(\.0)
                let without = comparison.pairs.map(\.1)
                let baseTokens = without.reduce(0) { $0 + $1.tokens }
                var evidence = comparison.evidence
                if baseTokens > 0 {
                    evidence.append(
                        Evidence("token multiplier", Double(with.reduce(0) { $0 + $1.tokens }) / Double(baseTokens), "×"))
                }
                findings.append(
                    Finding(
                        mode: .overDelegation,
                        summary:
                            "\(comparison.task): sub-agents cost \(dollars(comparison.deltaCost)) more per attempt than one agent for \(signedPercent(comparison.deltaQuality)) passes",
                        tasks: [comparison.task], attempts: with.ids, steps: with.steps, counterfactualSteps: without.steps,
                        moneyWasted: with.cost - without.cost,
                        moneyEstimate: "cost of the \(treatment) attempts − cost of the paired single-agent \(baseline) attempts",
                        secondsWasted: max(0, with.seconds - without.seconds),
                        secondsEstimate: "task latency of the \(treatment) attempts − the paired \(baseline) attempts' (if more)",
                        evidence: evidence,
                        confidence: Confidence(
                            samples: comparison.n, interval: (low, high),
                            note: "\(comparison.n) paired items of \(treatment) against \(baseline)"),
                        change: "let one agent do \(comparison.task) (no fan-out), or fan out only where it raises the pass rate")
                )
            }
        }
        if compared == 0, let heuristic = Self.withoutBaseline(input) { return [(.overDelegation, heuristic)] }
        guard compared > 0 else {
            return [
                (
                    .overDelegation,
                    .unassessable(
                        "a single-agent baseline of the same tasks on the same tiers, with \(PairedThresholds.minimumPairs)+ paired items per task: run with --variants and a variant with subagents: off"
                    )
                )
            ]
        }
        return [(.overDelegation, .assessed(findings))]
    }
}

extension DelegationRule {
    /// Without a paired baseline: within each configuration, its delegating attempts against its
    /// single-agent ones (other tasks, so a heuristic): the token multiplier, and the pass-rate
    /// gain per extra 1k tokens. A finding when both groups have `minimumGroup` graded attempts
    /// and V × the gain is worth less than the extra cost; the steps named are the sub-agents'
    /// (and the delegating calls), whose cost is the money wasted. Nil when no configuration has
    /// both groups.
    static let minimumGroup = 5

    static func withoutBaseline(_ input: DiagnosisInput) -> RuleVerdict? {
        var findings: [Finding] = []
        var assessed = false
        for configuration in input.configurations {
            let graded = input.attempts.filter { $0.configuration == configuration && $0.graded }
            let with = graded.filter(\.delegates)
            let without = graded.filter { !$0.delegates }
            guard with.count >= minimumGroup, without.count >= minimumGroup else { continue }
            assessed = true
            func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(max(values.count, 1)) }
            let passWith = mean(with.map { $0.passed ? 1 : 0 })
            let passWithout = mean(without.map { $0.passed ? 1 : 0 })
            let tokensWith = mean(with.map { Double($0.tokens) })
            let tokensWithout = mean(without.map { Double($0.tokens) })
            let extraCost = mean(with.map(\.cost)) - mean(without.map(\.cost))
            guard tokensWithout > 0, tokensWith > tokensWithout, extraCost > 0,
                input.marginal.valuePerSuccess * (passWith - passWithout) < extraCost
            else { continue }
            let delegated = with.flatMap { attempt in
                attempt.logged.steps.filter { $0.parentStepID != nil || $0.operation == .invokeAgent }
                    .map { StepReference(attempt: $0.attemptID, step: $0.stepID) }
            }
            let gainPer1k = (passWith - passWithout) / ((tokensWith - tokensWithout) / 1000)
            findings.append(
                Finding(
                    mode: .overDelegation,
                    summary:
                        "\(configuration == "run" ? "" : "\(configuration): ")attempts with sub-agents spend \(String(format: "%.1f", tokensWith / tokensWithout))× the tokens of those without for \(signedPercent(passWith - passWithout)) passes",
                    tasks: Array(Set(with.map(\.task))).sorted(), attempts: with.ids, steps: delegated,
                    moneyWasted: input.cost(of: delegated),
                    moneyEstimate: "cost of the sub-agents' steps and the delegating calls",
                    secondsWasted: nil, secondsEstimate: "not estimated (sub-agents run in parallel with nothing to compare)",
                    evidence: [
                        Evidence("token multiplier", tokensWith / tokensWithout, "×"),
                        Evidence("pass-rate gain per extra 1k tokens", gainPer1k, "share"),
                        Evidence("extra cost per attempt", extraCost, "$"),
                        Evidence("attempts with / without sub-agents", Double(with.count), "attempts"),
                    ],
                    confidence: Confidence(
                        samples: with.count + without.count, heuristic: true,
                        note:
                            "delegating and single-agent attempts of different tasks, not pairs: run a subagents: off variant to measure it"
                    ),
                    change:
                        "check whether the sub-agents raise the pass rate: run a subagents: off variant; fan out only where they do"
                ))
        }
        return assessed ? .assessed(findings) : nil
    }
}

/// Under-verification: attempts that finished without a verify step and then failed their grader.
/// With a configuration that verifies the same items on the same tiers (verification on against
/// a `verification: off` variant), per task: verifying pays when S > 0 with ΔQ above zero beyond
/// its 95% interval, and the finding is the (at least `heuristicFailures`) unverified failures the
/// verifying configuration passed; each unverified configuration is compared with one verifying
/// configuration, so no failure is counted twice. Without one, a heuristic: a task whose finished
/// attempts without a verify step failed at least `heuristicFailures` times and half the time.
struct VerificationRule: DiagnosisRule {
    static let heuristicFailures = 3

    func assess(_ input: DiagnosisInput) -> [(FailureMode, RuleVerdict)] {
        guard input.hasGrades else { return [(.underVerification, .unassessable("graded attempts"))] }
        var findings: [Finding] = []
        let configurations = input.configurations
        let verifying = configurations.filter { !input.tasks(of: $0, where: \.verifies).isEmpty }
        var covered: Set<String> = []
        for baseline in configurations {
            let tiers = input.tiers(of: baseline)
            let unverified = input.tasks(of: baseline) { !$0.verifies }
            guard let treatment = verifying.first(where: { $0 != baseline && input.tiers(of: $0) == tiers }) else { continue }
            // Tasks the treatment verifies and the baseline does not.
            let tasks = input.tasks(of: treatment, where: \.verifies).intersection(unverified)
                .subtracting(input.tasks(of: baseline, where: \.verifies))
            for comparison in PairedComparison.tasks(
                input, treatment: treatment, baseline: baseline, minimumPairs: PairedThresholds.minimumPairs, tasks: tasks)
            {
                covered.insert(comparison.task)
                let (low, high) = comparison.surplusInterval
                let failed = comparison.pairs.filter { !$0.1.passed && $0.0.passed && $0.1.record.outcome == .failed }.map(\.1)
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
        // The heuristic, for tasks no pair covered.
        let finishedUnverified = input.attempts.filter {
            !$0.verifies && $0.record.outcome != .error && $0.record.outcome != .timeout && $0.graded
                && !covered.contains($0.task)
        }
        let byTask = Dictionary(grouping: finishedUnverified, by: \.task)
        for task in byTask.keys.sorted() {
            let attempts = byTask[task] ?? []
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
                            "no verifying configuration of the same items to compare with, so whether a verify step would have caught these is not measured; run a variant that verifies"
                    ),
                    change: "add a verify step to \(task) (run the tests, check the answer) before it finishes"))
        }
        return [(.underVerification, .assessed(findings))]
    }
}

/// `+5%`, `-3.0%`, `0.0%`.
func signedPercent(_ share: Double) -> String { (share > 0 ? "+" : "") + percent(share) }
