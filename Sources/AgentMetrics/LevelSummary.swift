public import Pricing
public import Traces

/// Attempts of a level by outcome (measured attempts only; warm-up counted apart).
public struct AttemptCounts: Sendable, Hashable, Codable {
    /// Measured attempts, warm-up excluded.
    public var total = 0
    /// Measured attempts the grader accepted.
    public var passed = 0
    /// Measured attempts that finished without passing: the grader rejected the answer, or the agent stopped at a limit.
    public var failed = 0
    /// Measured attempts that an error stopped (a failed step, or a workspace that could not be made).
    public var errored = 0
    /// Measured attempts that ran past `attempt_timeout`.
    public var timedOut = 0
    /// Attempts no grader judged (imported traces): left out of pass rates.
    public var ungraded = 0
    /// Warm-up attempts recorded but excluded from every figure.
    public var warmup = 0
    /// Attempts a stop (Ctrl-C) cut short: recorded with their steps, excluded from every figure.
    public var cancelled = 0

    /// All counts zero.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case total, passed, failed, errored, timedOut = "timed_out", ungraded, warmup, cancelled
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        total = try c.decode(Int.self, forKey: .total)
        passed = try c.decode(Int.self, forKey: .passed)
        failed = try c.decode(Int.self, forKey: .failed)
        errored = try c.decode(Int.self, forKey: .errored)
        timedOut = try c.decode(Int.self, forKey: .timedOut)
        ungraded = try c.decode(Int.self, forKey: .ungraded)
        warmup = try c.decode(Int.self, forKey: .warmup)
        cancelled = try c.decodeIfPresent(Int.self, forKey: .cancelled) ?? 0  // absent from older summaries
    }
}

/// Completed steps in the measurement window, and their rate.
public struct StepThroughput: Sendable, Hashable, Codable {
    /// Steps of any attempt of the level, warm-up included, that ended inside the window.
    public var total = 0
    /// Of `total`, model steps (chat, embeddings, rerank).
    public var model = 0
    /// Of `total`, tool steps.
    public var tool = 0
    /// Of `total`, delegations (they have no rate of their own).
    public var delegation = 0
    /// total ÷ window seconds.
    public var perSecond: Double?
    /// `model` ÷ window seconds; nil when the window has no length.
    public var modelPerSecond: Double?
    /// `tool` ÷ window seconds; nil when the window has no length.
    public var toolPerSecond: Double?

    /// All counts zero and every rate nil.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case total, model, tool, delegation, perSecond = "per_second", modelPerSecond = "model_per_second"
        case toolPerSecond = "tool_per_second"
    }
}

/// Token counts by bucket over the measured attempts.
public struct TokenTotals: Sendable, Hashable, Codable {
    /// Prompt tokens neither read from nor written to a prompt cache.
    public var uncachedInput = 0
    /// Prompt tokens read from a prompt cache.
    public var cacheRead = 0
    /// Prompt tokens written to a prompt cache, all TTLs.
    public var cacheWrite = 0
    /// Generated tokens, reasoning included.
    public var output = 0
    /// The reasoning part of `output`.
    public var reasoning = 0
    /// cache_read ÷ (uncached + cache_write + cache_read + output).
    public var cacheReadShare: Double?
    /// Steps whose counts were estimated, not reported by the server.
    public var estimatedSteps = 0
    /// Model steps with no token counts at all.
    public var stepsWithoutUsage = 0

    /// All counts zero and `cacheReadShare` nil.
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
    /// `perCompletedTask` when every model was priced; nil otherwise (a partial total is not a cost).
    public var pricedPerCompletedTask: Double? { unpricedModels.isEmpty ? perCompletedTask : nil }
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
    /// True when the level was cut short (Ctrl-C); its figures cover what finished.
    public var interrupted: Bool
    /// Measurement window length in seconds.
    public var windowSeconds: Double
    /// Measured attempts by outcome, with the warm-up ones counted apart.
    public var attempts: AttemptCounts
    /// Passed ÷ graded measured attempts, with its 95% Wilson interval.
    public var passRate: Proportion
    /// End-to-end task latency (scheduled start → final answer) of every measured attempt.
    public var taskLatency: Percentiles
    /// The same with every attempt that did not pass counted as +∞.
    public var taskLatencyErrorAdjusted: Percentiles
    /// Task latency of passed attempts only.
    public var qualityConditionedLatency: Percentiles
    /// Steps that ended inside the window, and their rate per second.
    public var steps: StepThroughput
    /// Cost of the measured attempts in US dollars: by bucket, per attempt and per completed task.
    public var cost: CostSummary
    /// Token counts by bucket over the measured attempts' steps.
    public var tokens: TokenTotals
    /// Request sent → first generated delta, streamed model steps.
    public var ttft: Percentiles
    /// (last token − first token) ÷ (output tokens − 1), per streamed model step.
    public var itl: Percentiles
    /// Client scheduled → sent plus server-reported admission wait, per model step (chat,
    /// embeddings, rerank).
    public var queue: Percentiles
    /// Scheduled → sent of tool steps: the wait before a tool started (tools report no server
    /// queue), apart from the model calls' queue.
    public var toolQueue: Percentiles
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
    /// Measured attempts whose pass or fail was a seeded draw (scripted tasks' `pass_probability`)
    /// rather than a grader's verdict: pass rates and everything conditioned on them are
    /// simulated to that extent.
    public var simulatedGrades = 0
    /// The variant the figures are of (variant runs: one summary per variant and level).
    public var variant: String?
    /// Open-loop levels: task latency from when a worker actually started each attempt — what a
    /// load generator blind to coordinated omission reports; `taskLatency` counts from the
    /// intended start. Nil for closed-loop levels.
    public var taskLatencyUncorrected: Percentiles?
    /// Open-loop levels: measured attempts that started more than `LevelSummary.lateStartThreshold`
    /// after their intended start (every worker was busy). Nil for closed-loop levels.
    public var lateStarts: Int?
    /// The task-latency histogram itself (every measured attempt), so a stored summary can be
    /// merged with others and give intervals for its percentiles (`agentperf compare`).
    public var taskLatencyHistogram: HistogramBuckets?

    /// A start later than this after its intended time is late (scheduling jitter below it is not).
    public static let lateStartThreshold: Int64 = 1_000_000

    /// "c16", or "large c16" in a variant run.
    public var label: String {
        let level = self.level?.label ?? "all"
        return variant.map { "\($0) \(level)" } ?? level
    }

    enum CodingKeys: String, CodingKey {
        case variant, level, concurrency, interrupted, windowSeconds = "window_seconds", attempts, passRate = "pass_rate"
        case taskLatency = "task_latency", taskLatencyErrorAdjusted = "task_latency_error_adjusted"
        case qualityConditionedLatency = "quality_conditioned_latency", steps, cost, tokens, ttft, itl, queue
        case toolQueue = "tool_queue"
        case achievedConcurrency = "achieved_concurrency", breakdown = "latency_breakdown"
        case breakdownShare = "latency_breakdown_share", stepErrors = "step_errors"
        case stopReasons = "stop_reasons", toolCallsFromText = "tool_calls_from_text", tasks
        case simulatedGrades = "simulated_grades"
        case taskLatencyUncorrected = "task_latency_uncorrected", lateStarts = "late_starts"
        case taskLatencyHistogram = "task_latency_histogram"
    }
}

/// One task's measured attempts in a level, and how many passed.
public struct TaskOutcomes: Sendable, Hashable, Codable {
    /// The task's measured attempts.
    public var measured = 0
    /// Of `measured`, the attempts that passed.
    public var passed = 0

    /// Counts as given (0 by default).
    public init(measured: Int = 0, passed: Int = 0) {
        self.measured = measured
        self.passed = passed
    }
}
