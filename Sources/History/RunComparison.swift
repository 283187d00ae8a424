public import AgentMetrics

/// One figure of one level in two runs: the change from A to B and whether it is beyond noise.
public struct MetricChange: Sendable, Hashable, Codable {
    /// The figure compared.
    public var metric: ComparedMetric
    /// The level label (`c16`, `large c16`).
    public var level: String
    /// A's figure; nil when A has none.
    public var before: Double?
    /// B's figure; nil when B has none.
    public var after: Double?
    /// 95% interval of B − A; nil when one side has no figure or too few samples.
    public var interval: ClosedRange<Double>?
    /// True when the interval excludes 0 (see docs/HISTORY.md for each figure's interval).
    public var beyondNoise: Bool
    /// Why there is no interval, when there is none.
    public var note: String?

    enum CodingKeys: String, CodingKey {
        case metric, level, before, after, interval, beyondNoise = "beyond_noise", note
    }

    /// B − A.
    public var delta: Double? { zip(before, after).map { $1 - $0 } }
    /// (B − A) ÷ A; nil when A is 0 or absent.
    public var relative: Double? {
        guard let before, let after, before != 0 else { return nil }
        return (after - before) / abs(before)
    }
    /// True when the change is beyond noise and in the direction that is worse for the metric.
    public var regressed: Bool {
        guard beyondNoise, let delta else { return false }
        return metric.higherIsBetter ? delta < 0 : delta > 0
    }
}

/// The figures `agentperf compare` and `history` compare, with which way is better.
public enum ComparedMetric: String, Sendable, Hashable, Codable, CaseIterable {
    case p50TaskLatency = "p50_task_latency"
    case p95TaskLatency = "p95_task_latency"
    case p99TaskLatency = "p99_task_latency"
    case passRate = "pass_rate"
    case stepsPerSecond = "steps_per_second"
    case costPerCompletedTask = "cost_per_completed_task"

    /// False for latency and cost: a rise is a regression.
    public var higherIsBetter: Bool { self == .passRate || self == .stepsPerSecond }

    var percentile: Double? {
        switch self {
        case .p50TaskLatency: 50
        case .p95TaskLatency: 95
        case .p99TaskLatency: 99
        default: nil
        }
    }
}

/// Two runs' figures compared level by level (levels matched by label).
public struct RunComparison: Sendable, Hashable, Codable {
    /// Every compared figure of every level both runs have, levels in A's order.
    public var changes: [MetricChange]
    /// Level labels only one of the runs has.
    public var unmatchedLevels: [String]

    enum CodingKeys: String, CodingKey { case changes, unmatchedLevels = "unmatched_levels" }

    /// A's and B's levels with the same label, each compared figure by figure.
    public init(_ a: RunSummary, _ b: RunSummary) {
        var changes: [MetricChange] = []
        let bByLabel = Dictionary(b.levels.map { ($0.label, $0) }, uniquingKeysWith: { first, _ in first })
        for levelA in a.levels {
            guard let levelB = bByLabel[levelA.label] else { continue }
            changes += ComparedMetric.allCases.map { Self.compare($0, levelA, levelB) }
        }
        let labelsA = Set(a.levels.map(\.label))
        let labelsB = Set(b.levels.map(\.label))
        self.changes = changes
        unmatchedLevels = labelsA.symmetricDifference(labelsB).sorted()
    }

    static func compare(_ metric: ComparedMetric, _ a: LevelSummary, _ b: LevelSummary) -> MetricChange {
        var change = MetricChange(
            metric: metric, level: a.label, before: nil, after: nil, interval: nil, beyondNoise: false, note: nil)
        switch metric {
        case .p50TaskLatency, .p95TaskLatency, .p99TaskLatency:
            let p = metric.percentile ?? 50
            change.before = percentile(p, of: a.taskLatency)
            change.after = percentile(p, of: b.taskLatency)
            guard let histogramA = a.taskLatencyHistogram, let histogramB = b.taskLatencyHistogram else {
                change.note = "no stored histogram"
                return change
            }
            if let problem = histogramA.problem ?? histogramB.problem {
                change.note = "stored histogram unreadable: \(problem)"
                return change
            }
            // A p95 from fewer than 20 samples is the maximum; a p99 from fewer than 100 too:
            // no verdict on a tail the runs did not sample.
            let needed = p >= 99 ? 100 : p >= 95 ? 20 : 1
            let samples = min(a.taskLatency.count, b.taskLatency.count)
            if samples < needed {
                change.note = "too few samples (\(samples)) for a p\(Int(p))"
                return change
            }
            guard let quantileA = BootstrapQuantile(histogramA, percentile: p),
                let quantileB = BootstrapQuantile(histogramB, percentile: p)
            else {
                change.note = "no finite samples"
                return change
            }
            let (low, high) = quantileA.differenceInterval(to: quantileB)
            change.interval = low...high
        case .passRate:
            change.before = a.passRate.rate
            change.after = b.passRate.rate
            change.interval = Proportion.differenceInterval(b.passRate, minus: a.passRate)
            if change.interval == nil { change.note = "no graded attempts" }
        case .stepsPerSecond:
            change.before = a.steps.perSecond
            change.after = b.steps.perSecond
            // Steps arrive in clusters (an attempt's steps): compound Poisson with cluster size m
            // (steps per attempt), Var(n ÷ w) = n·m ÷ w².
            if let delta = change.delta, a.windowSeconds > 0, b.windowSeconds > 0 {
                let spread = 1.959963984540054 * (stepVariance(a) + stepVariance(b)).squareRoot()
                change.interval = (delta - spread)...(delta + spread)
            }
        case .costPerCompletedTask:
            change.before = costPerCompletedTask(a)
            change.after = costPerCompletedTask(b)
            if let (lowA, highA) = costInterval(a), let (lowB, highB) = costInterval(b), let before = change.before,
                let after = change.after
            {
                // MOVER (Newcombe's method for a difference) from each side's interval.
                let delta = after - before
                let low = delta - ((after - lowB) * (after - lowB) + (highA - before) * (highA - before)).squareRoot()
                let high = delta + ((highB - after) * (highB - after) + (before - lowA) * (before - lowA)).squareRoot()
                change.interval = low...high
            } else {
                change.note = "no passed attempts or unpriced models"
            }
        }
        if let interval = change.interval { change.beyondNoise = !interval.contains(0) }
        return change
    }

    private static func percentile(_ p: Double, of distribution: Percentiles) -> Double? {
        switch p {
        case 50: distribution.p50
        case 95: distribution.p95
        default: distribution.p99
        }
    }

    private static func costPerCompletedTask(_ level: LevelSummary) -> Double? { level.cost.pricedPerCompletedTask }

    /// n·m ÷ w² with m = steps per attempt of the level (at least 1).
    private static func stepVariance(_ level: LevelSummary) -> Double {
        let steps = Double(level.steps.total)
        let attempts = Double(max(1, level.attempts.total + level.attempts.warmup))
        return steps * max(1, steps / attempts) / (level.windowSeconds * level.windowSeconds)
    }

    /// Cost per attempt ÷ the pass rate's Wilson interval: the spread that the number of passes
    /// gives (the cost of an attempt varies far less than whether it passes).
    private static func costInterval(_ level: LevelSummary) -> (Double, Double)? {
        guard let perAttempt = level.cost.perAttempt, level.cost.unpricedModels.isEmpty,
            level.passRate.trials == level.attempts.total, let low = level.passRate.low, let high = level.passRate.high,
            low > 0
        else { return nil }
        return (perAttempt / high, perAttempt / low)
    }
}

private func zip(_ a: Double?, _ b: Double?) -> (Double, Double)? {
    guard let a, let b else { return nil }
    return (a, b)
}
