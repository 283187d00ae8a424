public import Thresholds
public import Traces

/// One threshold judged on one level of a run.
public struct ThresholdResult: Sendable, Hashable, Codable {
    /// The gate.
    public var threshold: Threshold
    /// The level it was judged on (`c16`, `large c16`); nil when no level matched its scope.
    public var level: String?
    /// The level's figure; nil when the level has none (no samples, no passes, unpriced).
    public var value: Double?
    /// Samples behind `value` (attempts for task-level figures, steps for step-level ones).
    public var samples: Int?
    /// Whether the gate holds. A figure that is absent does not hold: a gate fails closed.
    public var holds: Bool
    /// Why the figure is absent, when it is.
    public var reason: String?

    enum CodingKeys: String, CodingKey { case threshold, level, value, samples, holds, reason }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let expression = try c.decode(String.self, forKey: .threshold)
        do { threshold = try Threshold.parse(expression) } catch {
            throw DecodingError.dataCorruptedError(forKey: .threshold, in: c, debugDescription: error.description)
        }
        level = try c.decodeIfPresent(String.self, forKey: .level)
        value = try c.decodeIfPresent(Double.self, forKey: .value)
        samples = try c.decodeIfPresent(Int.self, forKey: .samples)
        holds = try c.decode(Bool.self, forKey: .holds)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(threshold.description, forKey: .threshold)
        try c.encodeIfPresent(level, forKey: .level)
        try c.encodeIfPresent(value, forKey: .value)
        try c.encodeIfPresent(samples, forKey: .samples)
        try c.encode(holds, forKey: .holds)
        try c.encodeIfPresent(reason, forKey: .reason)
    }

    init(threshold: Threshold, level: String?, value: Double?, samples: Int?, holds: Bool, reason: String?) {
        self.threshold = threshold
        self.level = level
        self.value = value
        self.samples = samples
        self.holds = holds
        self.reason = reason
    }
}

/// Judges thresholds against a run's figures (docs/METRICS.md, "Thresholds").
public enum ThresholdCheck {
    /// Every threshold on every level it scopes, in the order given, levels in run order. A
    /// threshold whose scope matches no level gives one failed result saying so.
    public static func evaluate(_ thresholds: [Threshold], on summary: RunSummary) -> [ThresholdResult] {
        thresholds.flatMap { threshold in
            let levels = summary.levels.filter { applies(threshold, to: $0.level, variant: $0.variant) }
            guard !levels.isEmpty else {
                let available = summary.levels.map(\.label).joined(separator: ", ")
                return [
                    ThresholdResult(
                        threshold: threshold, level: nil, value: nil, samples: nil, holds: false,
                        reason: "no level matches its scope (the run has \(available.isEmpty ? "none" : available))")
                ]
            }
            return levels.map { judge(threshold, on: $0) }
        }
    }

    /// Whether `threshold`'s scope covers the level: its level named by id (`c16`, `r2.5`) or
    /// as tables print it (`c=16`, `2.5/s`), and its variant.
    public static func applies(_ threshold: Threshold, to level: LevelID?, variant: String?) -> Bool {
        let levelMatches = threshold.level.map { $0 == level?.rawValue || $0 == level?.label } ?? true
        return levelMatches && (threshold.variant.map { $0 == variant } ?? true)
    }

    /// True when every result holds.
    public static func allHold(_ results: [ThresholdResult]) -> Bool { results.allSatisfy(\.holds) }

    static func judge(_ threshold: Threshold, on level: LevelSummary) -> ThresholdResult {
        let (value, samples, reason) = figure(threshold.metric, of: level)
        return ThresholdResult(
            threshold: threshold, level: level.label, value: value, samples: samples,
            holds: value.map { threshold.comparison.holds($0, threshold.bound) } ?? false, reason: value == nil ? reason : nil)
    }

    /// The level's figure for `metric`, its sample count, and why it is absent.
    static func figure(_ metric: ThresholdMetric, of level: LevelSummary) -> (Double?, Int?, String) {
        let attempts = level.attempts.total
        switch metric {
        case .latency(let figure, let statistic):
            let distribution = distribution(figure, of: level)
            let value: Double? =
                switch statistic {
                case .p50: distribution.p50
                case .p95: distribution.p95
                case .p99: distribution.p99
                case .max: distribution.max
                case .mean: distribution.mean
                }
            return (value, distribution.count, "no samples")
        case .passRate:
            return (level.passRate.rate, level.passRate.trials, "no graded attempts")
        case .errorRate:
            let failed = level.attempts.errored + level.attempts.timedOut
            return (attempts > 0 ? Double(failed) / Double(attempts) : nil, attempts, "no measured attempts")
        case .stepsPerSecond:
            return (level.steps.perSecond, level.steps.total, "the window has no length")
        case .modelCallsPerSecond:
            return (level.steps.modelPerSecond, level.steps.model, "the window has no length")
        case .toolCallsPerSecond:
            return (level.steps.toolPerSecond, level.steps.tool, "the window has no length")
        case .costPerCompletedTask:
            let reason = level.cost.unpricedModels.isEmpty ? "no passed attempts" : "unpriced models"
            return (level.cost.pricedPerCompletedTask, attempts, reason)
        case .costPerAttempt:
            let reason = level.cost.unpricedModels.isEmpty ? "no measured attempts" : "unpriced models"
            return (level.cost.unpricedModels.isEmpty ? level.cost.perAttempt : nil, attempts, reason)
        case .achievedConcurrency:
            return (level.achievedConcurrency, attempts, "the window has no length")
        case .cacheReadShare:
            return (level.tokens.cacheReadShare, attempts, "no token counts")
        }
    }

    static func distribution(_ figure: LatencyFigure, of level: LevelSummary) -> Percentiles {
        switch figure {
        case .taskLatency: level.taskLatency
        case .errorAdjustedTaskLatency: level.taskLatencyErrorAdjusted
        case .qualityConditionedLatency: level.qualityConditionedLatency
        case .ttft: level.ttft
        case .itl: level.itl
        case .queueTime: level.queue
        }
    }
}
