public import Pricing
public import Traces

/// Attempts of a level by outcome (measured attempts only; warm-up counted apart).
public struct AttemptCounts: Sendable, Hashable, Codable {
    public var total = 0
    public var passed = 0
    public var failed = 0
    public var errored = 0
    public var timedOut = 0
    /// Attempts no grader judged (imported traces): left out of pass rates.
    public var ungraded = 0
    /// Warm-up attempts recorded but excluded from every figure.
    public var warmup = 0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case total, passed, failed, errored, timedOut = "timed_out", ungraded, warmup
    }
}

/// Completed steps in the measurement window, and their rate.
public struct StepThroughput: Sendable, Hashable, Codable {
    public var total = 0
    public var model = 0
    public var tool = 0
    public var delegation = 0
    /// total ÷ window seconds.
    public var perSecond: Double?
    public var modelPerSecond: Double?
    public var toolPerSecond: Double?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case total, model, tool, delegation, perSecond = "per_second", modelPerSecond = "model_per_second"
        case toolPerSecond = "tool_per_second"
    }
}

/// Token counts by bucket over the measured attempts.
public struct TokenTotals: Sendable, Hashable, Codable {
    public var uncachedInput = 0
    public var cacheRead = 0
    public var cacheWrite = 0
    public var output = 0
    public var reasoning = 0
    /// cache_read ÷ (uncached + cache_write + cache_read + output).
    public var cacheReadShare: Double?
    /// Steps whose counts were estimated, not reported by the server.
    public var estimatedSteps = 0
    /// Model steps with no token counts at all.
    public var stepsWithoutUsage = 0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case uncachedInput = "uncached_input", cacheRead = "cache_read", cacheWrite = "cache_write", output, reasoning
        case cacheReadShare = "cache_read_share", estimatedSteps = "estimated_steps", stepsWithoutUsage = "steps_without_usage"
    }
}

/// Money over the measured attempts.
public struct CostSummary: Sendable, Hashable, Codable {
    /// Σ cost of every measured attempt (passed, failed, errored, timed out), by bucket.
    public var total: Cost
    /// total ÷ measured attempts.
    public var perAttempt: Double?
    /// total ÷ passed attempts: failures are charged to the successes. `nil` with no passes.
    public var perCompletedTask: Double?
    /// Models whose tokens had no price: totals leave them out and say so.
    public var unpricedModels: [String]
    /// Prices filled in by rule, each saying which.
    public var assumptions: [String]
    /// Price-table entries used, as `recorded model → entry`.
    public var priceEntries: [String: String]

    enum CodingKeys: String, CodingKey {
        case total, perAttempt = "per_attempt", perCompletedTask = "per_completed_task"
        case unpricedModels = "unpriced_models", assumptions, priceEntries = "price_entries"
    }
}

/// Every figure AgentPerf reports for one concurrency level (docs/METRICS.md defines each).
public struct LevelSummary: Sendable, Hashable, Codable {
    /// `nil` for traces without levels (imported ones): one group over everything.
    public var level: LevelID?
    /// Agents of a closed-loop level.
    public var concurrency: Int?
    public var interrupted: Bool
    /// Measurement window length in seconds.
    public var windowSeconds: Double
    public var attempts: AttemptCounts
    /// Passed ÷ graded measured attempts, with its 95% Wilson interval.
    public var passRate: Proportion
    /// End-to-end task latency (scheduled start → final answer) of every measured attempt.
    public var taskLatency: Percentiles
    /// The same with every attempt that did not pass counted as +∞.
    public var taskLatencyErrorAdjusted: Percentiles
    /// Task latency of passed attempts only.
    public var qualityConditionedLatency: Percentiles
    public var steps: StepThroughput
    public var cost: CostSummary
    public var tokens: TokenTotals
    /// Request sent → first generated delta, streamed model steps.
    public var ttft: Percentiles
    /// (last token − first token) ÷ (output tokens − 1), per streamed model step.
    public var itl: Percentiles
    /// Client scheduled → sent plus server-reported admission wait, per step.
    public var queue: Percentiles
    /// Σ task latency inside the window ÷ window: the time-average number of attempts in flight.
    public var achievedConcurrency: Double?
    /// Mean seconds per attempt in each latency component.
    public var breakdown: LatencyBreakdown
    /// Share of task latency in each component.
    public var breakdownShare: LatencyBreakdown
    /// `error.type` → steps that failed with it.
    public var stepErrors: [String: Int]
    /// `stop_reason` → measured attempts of model-driven agents that stopped for it.
    public var stopReasons: [String: Int] = [:]
    /// Model steps whose tool calls were written as text and recovered (`tool_calls_from_text`).
    public var toolCallsFromText = 0
    /// Task name → its measured and passed attempts.
    public var tasks: [String: TaskOutcomes] = [:]

    enum CodingKeys: String, CodingKey {
        case level, concurrency, interrupted, windowSeconds = "window_seconds", attempts, passRate = "pass_rate"
        case taskLatency = "task_latency", taskLatencyErrorAdjusted = "task_latency_error_adjusted"
        case qualityConditionedLatency = "quality_conditioned_latency", steps, cost, tokens, ttft, itl, queue
        case achievedConcurrency = "achieved_concurrency", breakdown = "latency_breakdown"
        case breakdownShare = "latency_breakdown_share", stepErrors = "step_errors"
        case stopReasons = "stop_reasons", toolCallsFromText = "tool_calls_from_text", tasks
    }
}

/// One task's measured attempts in a level, and how many passed.
public struct TaskOutcomes: Sendable, Hashable, Codable {
    public var measured = 0
    public var passed = 0

    public init(measured: Int = 0, passed: Int = 0) {
        self.measured = measured
        self.passed = passed
    }
}
