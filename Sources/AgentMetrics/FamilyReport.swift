public import Pricing
import Traces

/// A figure that may not be computable from a given trace: then `reason` says why.
public struct Measure: Sendable, Hashable, Codable {
    public var value: Double?
    public var reason: String?

    public static func value(_ value: Double) -> Measure { Measure(value: value, reason: nil) }
    public static func unavailable(_ reason: String) -> Measure { Measure(value: nil, reason: reason) }

    enum CodingKeys: String, CodingKey { case value, reason = "unavailable" }
}

/// One point of success against a token budget.
public struct BudgetPoint: Sendable, Hashable, Codable {
    /// Budget in tokens (all input buckets plus output) per attempt.
    public var tokens: Int
    /// Graded attempts that passed within the budget ÷ all graded attempts.
    public var successRate: Double

    public init(tokens: Int, successRate: Double) {
        self.tokens = tokens
        self.successRate = successRate
    }

    enum CodingKeys: String, CodingKey { case tokens, successRate = "success_rate" }
}

/// The agent metric family (SPEC §5) for one group of attempts. docs/METRICS.md defines each.
public struct GroupReport: Sendable, Hashable, Codable {
    public var key: String
    public var attempts: Int
    public var graded: Int
    public var passed: Int
    public var errored: Int
    public var passRate: Proportion
    public var taskLatency: Percentiles
    public var modelSteps: Int
    public var toolSteps: Int
    public var delegations: Int
    public var tokens: TokenTotals
    public var cost: Cost
    public var unpricedModels: [String]
    public var priceAssumptions: [String]
    public var priceEntries: [String: String]
    /// Σ the costs the sources recorded, and AgentPerf's cost of the same attempts.
    public var reportedCost: Measure
    public var computedCostOfReported: Measure

    public var costPerArtifact: Measure
    public var cacheReadShare: Measure
    public var contextEfficiency: Measure
    public var contextGrowth: Measure
    public var verificationTokensPerArtifact: Measure
    public var verificationSecondsPerArtifact: Measure
    public var verificationCoverage: Measure
    public var passAt1: Measure
    public var passAtK: Measure
    public var passHatK: Measure
    public var k: Int?
    public var capability: [String: Double]
    public var budgetCurve: [BudgetPoint]
    public var successOnLogTokensR2: Measure
    public var multiAgentTokenMultiplier: Measure
    public var coordinationOverhead: Measure
    public var accuracyGainPer1kTokens: Measure
    public var signalsPerAttempt: Measure
    public var distinctSignalsPerAttempt: Measure
    public var signalsPer1kTokens: Measure
    public var treeRolloutDiversity: Measure

    enum CodingKeys: String, CodingKey {
        case key, attempts, graded, passed, errored, passRate = "pass_rate", taskLatency = "task_latency"
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
    public var first: String
    public var second: String
    /// The axis on which `first` ranks above `second`.
    public var axisFirstLeads: String
    /// The axis on which `second` ranks above `first`.
    public var axisSecondLeads: String

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
    public var groupBy: String
    public var priceTable: String
    public var sources: Int
    public var groups: [GroupReport]
    public var rankFlips: [RankFlip]
    enum CodingKeys: String, CodingKey {
        case groupBy = "group_by", priceTable = "price_table", sources, groups, rankFlips = "rank_flips"
    }
}
