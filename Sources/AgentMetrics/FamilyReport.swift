public import Pricing
import Traces

/// A figure that may not be computable from a given trace: then `reason` says why.
public struct Measure: Sendable, Hashable, Codable {
    /// The figure, in the unit of the field that holds it; nil when it cannot be computed, and then `reason` says why.
    public var value: Double?
    /// Why the figure is unavailable, as a sentence; nil when `value` is set.
    public var reason: String?

    /// A figure that was computed.
    public static func value(_ value: Double) -> Measure { Measure(value: value, reason: nil) }
    /// A figure the traces cannot support, with the reason; JSON writes it as `{"unavailable": reason}`.
    public static func unavailable(_ reason: String) -> Measure { Measure(value: nil, reason: reason) }

    enum CodingKeys: String, CodingKey { case value, reason = "unavailable" }
}

/// One point of success against a token budget.
public struct BudgetPoint: Sendable, Hashable, Codable {
    /// Budget in tokens (all input buckets plus output) per attempt.
    public var tokens: Int
    /// Graded attempts that passed within the budget ÷ all graded attempts.
    public var successRate: Double

    /// A point of the budget curve: the share `successRate` (0…1) of graded attempts that passed within `tokens` tokens.
    public init(tokens: Int, successRate: Double) {
        self.tokens = tokens
        self.successRate = successRate
    }

    enum CodingKeys: String, CodingKey { case tokens, successRate = "success_rate" }
}

/// The agent metric family (SPEC §5) for one group of attempts. docs/METRICS.md defines each.
public struct GroupReport: Sendable, Hashable, Codable {
    /// The group's value: a model, task, session (the source's workload name) or agent name, or `all`.
    public var key: String
    /// Attempts in the group; warm-up attempts of AgentPerf runs are left out.
    public var attempts: Int
    /// Attempts whose outcome is not `ungraded`.
    public var graded: Int
    /// Attempts that passed: the group's artifacts.
    public var passed: Int
    /// Attempts that ended in `error` or `timeout`.
    public var errored: Int
    /// Graded attempts whose pass or fail was a seeded draw (AgentPerf's scripted tasks), not a
    /// grader's verdict: simulated quality.
    public var simulatedGrades = 0
    /// Whether the group has token counts: a value (1) when some attempt has usage, else the
    /// reason, so every token count prints n/a, not 0.
    public var tokenCounts: Measure = .value(1)
    /// Whether the input tokens' cache split is known: a value (1) when every attempt's source
    /// records it, else the reason, so cache-read and cache-write counts print n/a, not 0.
    public var cacheBuckets: Measure = .value(1)
    /// The cost of all attempts, in US dollars; unavailable without token counts, or when no
    /// model of the group is priced (a partly priced group has a value and `unpriced_models`).
    public var costTotal: Measure = .value(0)
    /// Attempts whose source records no such quantity, by `not_recorded` name (`cache_buckets`, `tokens`).
    public var unrecorded: [String: Int] = [:]
    /// `passed` ÷ `graded`, with its 95% Wilson interval; no rate when nothing was graded.
    public var passRate: Proportion
    /// Task latency (scheduled → end) in seconds, over the attempts that carry both times.
    public var taskLatency: Percentiles
    /// Model steps: chat, embeddings, rerank, and any other operation that is neither a tool call nor a delegation.
    public var modelSteps: Int
    /// Tool steps (`execute_tool`).
    public var toolSteps: Int
    /// Delegation steps (`invoke_agent`).
    public var delegations: Int
    /// Token buckets summed over the attempts that carry usage, attempt-level totals included.
    public var tokens: TokenTotals
    /// Cost of every attempt of the group in US dollars, by bucket; tokens of `unpricedModels` are left out.
    public var cost: Cost
    /// Models with tokens but no price entry, sorted; when any, `cost` is incomplete and `costPerArtifact` unavailable.
    public var unpricedModels: [String]
    /// Prices filled in by rule, one sentence each (`model: field assumed rule`), sorted.
    public var priceAssumptions: [String]
    /// The price-table entry used for each model name as recorded.
    public var priceEntries: [String: String]
    /// Σ the costs the sources recorded, and AgentPerf's cost of the same attempts.
    public var reportedCost: Measure
    /// AgentPerf's cost, in US dollars, of the attempts counted in `reportedCost`; unavailable when no source recorded a cost.
    public var computedCostOfReported: Measure

    /// Cost of all attempts ÷ passed attempts, in US dollars; unavailable with unpriced models, no usage, no grades or no pass.
    public var costPerArtifact: Measure
    /// cache_read ÷ (uncached + cache_write + cache_read + output), a share 0…1; unavailable without token counts.
    public var cacheReadShare: Measure
    /// Passed attempts per million input tokens (all three input buckets); unavailable without grades or token counts.
    public var contextEfficiency: Measure
    /// Mean over attempts of the least-squares slope of total input tokens on `step_index` (chat steps with usage),
    /// in tokens per step; unavailable when no attempt has two such steps.
    public var contextGrowth: Measure
    /// Tokens of `verify` model steps ÷ passed attempts; unavailable with no `verify` step, no grades or no pass.
    public var verificationTokensPerArtifact: Measure
    /// Seconds in `verify` steps (sent → end, model or tool) ÷ passed attempts; unavailable as the tokens are.
    public var verificationSecondsPerArtifact: Measure
    /// Share 0…1 of attempts with at least one `verify` step; unavailable with no attempts.
    public var verificationCoverage: Measure
    /// Mean over tasks of passed ÷ graded attempts, 0…1; unavailable when nothing was graded.
    public var passAt1: Measure
    /// pass@k, 0…1: the chance that some of k tries passes, averaged over tasks with at least `k` graded attempts.
    public var passAtK: Measure
    /// pass^k, 0…1: the chance that all k tries pass, averaged over tasks with at least `k` graded attempts.
    public var passHatK: Measure
    /// The k of `passAtK` and `passHatK`: `--k`, else the fewest graded attempts of any task with two or more; nil when none has.
    public var k: Int?
    /// Mean score (0…1) per grader axis, over the graded attempts that have the axis.
    public var capability: [String: Double]
    /// Success within token budgets at 1-2-5 steps from 1k tokens up to the largest attempt; empty without grades or usage.
    public var budgetCurve: [BudgetPoint]
    /// R² (0…1) of outcome (1 passed, 0 not) on ln(total tokens) over graded attempts with usage;
    /// unavailable with fewer than three such attempts or only one outcome.
    public var successOnLogTokensR2: Measure
    /// Mean tokens per multi-agent attempt ÷ per single-agent attempt, over tasks graded both ways with usage.
    public var multiAgentTokenMultiplier: Measure
    /// The main agent's share (0…1) of the tokens of multi-agent attempts; unavailable with no delegation or no usage.
    public var coordinationOverhead: Measure
    /// (multi-agent − single-agent pass rate) ÷ (the difference in mean tokens ÷ 1000), on the same tasks;
    /// unavailable when multi-agent attempts used no more tokens.
    public var accuracyGainPer1kTokens: Measure
    /// Mean next-state signals per attempt: tool results that came back, step errors, later user turns, the grader's outcome.
    public var signalsPerAttempt: Measure
    /// Mean distinct signals per attempt: tool results told apart by `observation_hash`, errors by type.
    public var distinctSignalsPerAttempt: Measure
    /// All signals ÷ (all tokens ÷ 1000); unavailable without token counts.
    public var signalsPer1kTokens: Measure
    /// Distinct leaves of each task's rollout tree per 1,000 output tokens of its distinct nodes, over tasks with two or
    /// more rollouts; unavailable unless every model step carries `output_hash` and usage.
    public var treeRolloutDiversity: Measure

    enum CodingKeys: String, CodingKey {
        case key, attempts, graded, passed, errored, simulatedGrades = "simulated_grades", passRate = "pass_rate"
        case tokenCounts = "token_counts", cacheBuckets = "cache_buckets", costTotal = "cost_total", unrecorded
        case taskLatency = "task_latency"
        case modelSteps = "model_steps", toolSteps = "tool_steps", delegations, tokens, cost
        case unpricedModels = "unpriced_models", priceAssumptions = "price_assumptions", priceEntries = "price_entries"
        case reportedCost = "reported_cost", computedCostOfReported = "computed_cost_of_reported"
        case costPerArtifact = "cost_per_artifact", cacheReadShare = "cache_read_share"
        case contextEfficiency = "context_efficiency", contextGrowth = "context_growth"
        case verificationTokensPerArtifact = "verification_tokens_per_artifact"
        case verificationSecondsPerArtifact = "verification_seconds_per_artifact"
        case verificationCoverage = "verification_coverage", passAt1 = "pass_at_1", passAtK = "pass_at_k"
        case passHatK = "pass_hat_k", k, capability, budgetCurve = "budget_curve"
        case successOnLogTokensR2 = "success_on_log_tokens_r2", multiAgentTokenMultiplier = "multi_agent_token_multiplier"
        case coordinationOverhead = "coordination_overhead", accuracyGainPer1kTokens = "accuracy_gain_per_1k_tokens"
        case signalsPerAttempt = "signals_per_attempt", distinctSignalsPerAttempt = "distinct_signals_per_attempt"
        case signalsPer1kTokens = "signals_per_1k_tokens", treeRolloutDiversity = "tree_rollout_diversity"
    }
}

/// Two groups ordered one way on one grader axis and the other way on another.
public struct RankFlip: Sendable, Hashable, Codable {
    /// Key of the group ahead on `axisFirstLeads`.
    public var first: String
    /// Key of the group ahead on `axisSecondLeads`.
    public var second: String
    /// The axis on which `first` ranks above `second`.
    public var axisFirstLeads: String
    /// The axis on which `second` ranks above `first`.
    public var axisSecondLeads: String

    /// A flip between the groups `first` and `second` on the two axes.
    public init(first: String, second: String, axisFirstLeads: String, axisSecondLeads: String) {
        self.first = first
        self.second = second
        self.axisFirstLeads = axisFirstLeads
        self.axisSecondLeads = axisSecondLeads
    }

    enum CodingKeys: String, CodingKey {
        case first, second, axisFirstLeads = "first_leads_on", axisSecondLeads = "second_leads_on"
    }
}

/// The result of `agentperf analyze`.
public struct FamilyReport: Sendable, Hashable, Codable {
    /// The grouping used: `all`, `model`, `task`, `session` or `agent`.
    public var groupBy: String
    /// Version label of the price table used (a merged table's labels are joined with `+`).
    public var priceTable: String
    /// Run headers read: one per source file or AgentPerf run.
    public var sources: Int
    /// One report per group, in key order.
    public var groups: [GroupReport]
    /// Pairs of groups whose order on one grader axis is the reverse of their order on another; empty when there are none.
    public var rankFlips: [RankFlip]
    enum CodingKeys: String, CodingKey {
        case groupBy = "group_by", priceTable = "price_table", sources, groups, rankFlips = "rank_flips"
    }
}
