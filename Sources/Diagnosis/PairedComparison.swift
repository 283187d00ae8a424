import AgentMetrics
import Foundation
import Pricing
import Traces

/// Two configurations on the same items of one task: the marginal figures of choosing the first
/// over the second (SPEC §6: S = V·ΔQ − ΔC − λ·ΔL).
struct PairedComparison {
    let task: String
    /// (treatment, baseline) attempts of the same item.
    let pairs: [(AttemptFacts, AttemptFacts)]
    let valuePerSuccess: Double
    let pricePerSecond: Double
    var priceOfRisk = 0.0

    var n: Int { pairs.count }
    /// Pass rate of the treatment minus the baseline's.
    var deltaQuality: Double { rate(pairs.map(\.0)) - rate(pairs.map(\.1)) }
    /// Mean cost per attempt, treatment minus baseline.
    var deltaCost: Double { mean(pairs.map { $0.0.cost - $0.1.cost }) }
    /// Mean task latency, treatment minus baseline, over the pairs where both are known.
    var deltaLatency: Double { mean(pairs.compactMap { a, b in zip2(a.latency, b.latency).map { $0 - $1 } }) }
    /// Share of risk events (errored, timed out, unsafe), treatment minus baseline.
    var deltaRisk: Double { riskRate(pairs.map(\.0)) - riskRate(pairs.map(\.1)) }

    /// 95% interval of ΔQ: Newcombe's hybrid score interval from the two Wilson intervals,
    /// treating the samples as independent (conservative for paired items).
    var deltaQualityInterval: (Double, Double) {
        let a = Proportion(successes: pairs.filter { $0.0.passed }.count, trials: n)
        let b = Proportion(successes: pairs.filter { $0.1.passed }.count, trials: n)
        guard let interval = Proportion.differenceInterval(a, minus: b) else { return (-1, 1) }
        return (interval.lowerBound, interval.upperBound)
    }

    /// S at ΔQ = `deltaQ`.
    func surplus(deltaQ: Double) -> Double {
        valuePerSuccess * deltaQ - deltaCost - pricePerSecond * deltaLatency - priceOfRisk * deltaRisk
    }
    /// S at the measured ΔQ.
    var surplus: Double { surplus(deltaQ: deltaQuality) }
    /// S over ΔQ's interval.
    var surplusInterval: (Double, Double) {
        let (low, high) = deltaQualityInterval
        return (surplus(deltaQ: low), surplus(deltaQ: high))
    }

    /// The comparisons of `treatment` against `baseline`, task by task, over the items both ran
    /// (graded attempts only), for the tasks in `tasks` (nil: all); tasks with fewer than
    /// `minimumPairs` pairs are left out. Whole configurations are compared, attempt for attempt:
    /// keeping only the treatment's attempts that did something (verified, delegated) would drop
    /// those that failed before doing it and flatter the treatment.
    static func tasks(
        _ input: DiagnosisInput, treatment: String, baseline: String, minimumPairs: Int, tasks: Set<String>? = nil
    ) -> [PairedComparison] {
        let treated = input.items(of: treatment)
        let base = input.items(of: baseline)
        var byTask: [String: [(AttemptFacts, AttemptFacts)]] = [:]
        for (item, a) in treated where a.graded && (tasks?.contains(a.task) ?? true) {
            guard let b = base[item], b.graded else { continue }
            byTask[a.task, default: []].append((a, b))
        }
        return byTask.keys.sorted().compactMap { task in
            let pairs = (byTask[task] ?? []).sorted { $0.0.id < $1.0.id }
            guard pairs.count >= minimumPairs else { return nil }
            return PairedComparison(
                task: task, pairs: pairs, valuePerSuccess: input.marginal.valuePerSuccess,
                pricePerSecond: input.marginal.pricePerSecond, priceOfRisk: input.marginal.priceOfRisk)
        }
    }

    /// The figures as evidence.
    var evidence: [Evidence] {
        let (low, high) = deltaQualityInterval
        return [
            Evidence("paired items", Double(n), "items"), Evidence("ΔQ (pass rate)", deltaQuality, "share"),
            Evidence("ΔQ 95% low", low, "share"), Evidence("ΔQ 95% high", high, "share"),
            Evidence("ΔC per attempt", deltaCost, "$"), Evidence("ΔL per attempt", deltaLatency, "s"),
            Evidence("ΔR (risk events)", deltaRisk, "share"), Evidence("S = V·ΔQ − ΔC − λ·ΔL − ρ·ΔR", surplus, "$"),
        ]
    }

    private func rate(_ attempts: [AttemptFacts]) -> Double {
        attempts.isEmpty ? 0 : Double(attempts.filter(\.passed).count) / Double(attempts.count)
    }

    private func riskRate(_ attempts: [AttemptFacts]) -> Double {
        attempts.isEmpty ? 0 : Double(attempts.filter(\.isRisk).count) / Double(attempts.count)
    }

    private func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
}
