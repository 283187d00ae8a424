import Foundation

/// A pass/fail gate on one figure of a run, k6-style: `p95_task_latency<8s`,
/// `pass_rate{level:c16}>=0.7`, `cost_per_completed_task<$0.02`.
///
/// Without a scope the gate applies to every level (and variant) of the run, each on its own; a
/// scope names the level label (`c16`, `r2.5`) and/or the variant it applies to.
public struct Threshold: Sendable, Hashable, CustomStringConvertible {
    /// The figure gated on.
    public var metric: ThresholdMetric
    /// How the figure must compare with `bound` for the gate to hold.
    public var comparison: Comparison
    /// The bound in the metric's base unit: seconds, a share in 0…1, US dollars, or per second.
    public var bound: Double
    /// The level label the gate applies to (`c16`); nil: every level.
    public var level: String?
    /// The variant the gate applies to; nil: every variant (and runs without variants).
    public var variant: String?
    /// The expression as the user wrote it (spaces trimmed), which `description` echoes: a
    /// bound printed back exactly as typed reads back as the same number.
    var expression: String?

    /// A gate as given.
    public init(metric: ThresholdMetric, comparison: Comparison, bound: Double, level: String? = nil, variant: String? = nil) {
        self.metric = metric
        self.comparison = comparison
        self.bound = bound
        self.level = level
        self.variant = variant
    }

    /// Gates are equal when they gate the same figure the same way, however they were spelt.
    public static func == (a: Threshold, b: Threshold) -> Bool {
        (a.metric, a.comparison, a.bound, a.level, a.variant) == (b.metric, b.comparison, b.bound, b.level, b.variant)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(metric)
        hasher.combine(comparison)
        hasher.combine(bound)
        hasher.combine(level)
        hasher.combine(variant)
    }

    /// `<`, `<=`, `>` or `>=`.
    public enum Comparison: String, Sendable, Hashable, CaseIterable {
        /// `<`: the figure must be below the bound.
        case below = "<"
        /// `<=`: at most the bound.
        case atMost = "<="
        /// `>`: above the bound.
        case above = ">"
        /// `>=`: at least the bound.
        case atLeast = ">="

        /// Whether `value` stands in this relation to `bound`.
        public func holds(_ value: Double, _ bound: Double) -> Bool {
            switch self {
            case .below: value < bound
            case .atMost: value <= bound
            case .above: value > bound
            case .atLeast: value >= bound
            }
        }
    }

    /// The gate as it was typed (`p95_task_latency{level:c16}<8s`), or, for one built in code,
    /// as it would be.
    public var description: String {
        if let expression { return expression }
        var tags: [String] = []
        if let level { tags.append("level:\(level)") }
        if let variant { tags.append("variant:\(variant)") }
        let scope = tags.isEmpty ? "" : "{\(tags.joined(separator: ","))}"
        return "\(metric.name)\(scope)\(comparison.rawValue)\(metric.unit.format(bound))"
    }
}

/// A figure of a level that a threshold can gate on (docs/METRICS.md defines each).
public enum ThresholdMetric: Sendable, Hashable, CaseIterable {
    /// A statistic of a latency distribution, like p95 of task latency.
    case latency(LatencyFigure, LatencyStatistic)
    /// Passed ÷ graded measured attempts.
    case passRate
    /// (Errored + timed out) ÷ measured attempts.
    case errorRate
    /// Completed steps in the window ÷ window length.
    case stepsPerSecond
    /// Model steps in the window ÷ window length.
    case modelCallsPerSecond
    /// Tool steps in the window ÷ window length.
    case toolCallsPerSecond
    /// Σ cost of all measured attempts ÷ passed attempts, US dollars.
    case costPerCompletedTask
    /// Σ cost of all measured attempts ÷ measured attempts, US dollars.
    case costPerAttempt
    /// Σ task latency in the window ÷ window length.
    case achievedConcurrency
    /// cache_read ÷ all prompt and output tokens.
    case cacheReadShare

    /// Every metric, in the order `--help` lists them.
    public static let allCases: [ThresholdMetric] =
        LatencyFigure.allCases.flatMap { figure in LatencyStatistic.allCases.map { .latency(figure, $0) } } + [
            .passRate, .errorRate, .stepsPerSecond, .modelCallsPerSecond, .toolCallsPerSecond, .costPerCompletedTask,
            .costPerAttempt, .achievedConcurrency, .cacheReadShare,
        ]

    /// The name used in threshold expressions and summary.json: `p95_task_latency`, `pass_rate`.
    public var name: String {
        switch self {
        case .latency(let figure, let statistic): "\(statistic.rawValue)_\(figure.rawValue)"
        case .passRate: "pass_rate"
        case .errorRate: "error_rate"
        case .stepsPerSecond: "steps_per_second"
        case .modelCallsPerSecond: "model_calls_per_second"
        case .toolCallsPerSecond: "tool_calls_per_second"
        case .costPerCompletedTask: "cost_per_completed_task"
        case .costPerAttempt: "cost_per_attempt"
        case .achievedConcurrency: "achieved_concurrency"
        case .cacheReadShare: "cache_read_share"
        }
    }

    /// The metric called `name`, if there is one.
    public init?(name: String) {
        guard let metric = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = metric
    }

    /// The unit bounds are written and printed in.
    public var unit: ThresholdUnit {
        switch self {
        case .latency: .seconds
        case .passRate, .errorRate, .cacheReadShare: .share
        case .stepsPerSecond, .modelCallsPerSecond, .toolCallsPerSecond: .perSecond
        case .costPerCompletedTask, .costPerAttempt: .dollars
        case .achievedConcurrency: .count
        }
    }
}

/// The latency distributions of a level a threshold can read.
public enum LatencyFigure: String, Sendable, Hashable, CaseIterable {
    /// Scheduled start → final answer, every measured attempt.
    case taskLatency = "task_latency"
    /// The same with attempts that did not pass as +∞.
    case errorAdjustedTaskLatency = "error_adjusted_task_latency"
    /// Task latency of passed attempts only.
    case qualityConditionedLatency = "quality_conditioned_latency"
    /// Time to first token of streamed model steps.
    case ttft
    /// Inter-token latency of streamed model steps.
    case itl
    /// Queue time of model steps.
    case queueTime = "queue_time"
}

/// A statistic of a latency distribution.
public enum LatencyStatistic: String, Sendable, Hashable, CaseIterable {
    /// The median (nearest rank).
    case p50
    /// The 95th percentile (nearest rank).
    case p95
    /// The 99th percentile (nearest rank).
    case p99
    /// The largest sample.
    case max
    /// The mean of the samples.
    case mean
}

/// How a threshold's bound is written.
public enum ThresholdUnit: Sendable, Hashable {
    /// `8s`, `800ms`, `2m`; a bare number is seconds.
    case seconds
    /// `0.7` or `70%`.
    case share
    /// `0.02` or `$0.02`.
    case dollars
    /// A plain number per second.
    case perSecond
    /// A plain number.
    case count

    /// `bound` written back in this unit.
    public func format(_ value: Double) -> String {
        switch self {
        case .seconds: value < 1 ? "\(trimmed(value * 1000))ms" : "\(trimmed(value))s"
        case .share: "\(trimmed(value * 100))%"
        case .dollars: "$\(trimmed(value))"
        case .perSecond, .count: trimmed(value)
        }
    }

    /// A plain decimal (never an exponent, which the parser does not read), up to 12 decimals.
    private func trimmed(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        var text = String(format: "%.12f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
