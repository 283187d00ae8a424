public import AgentMetrics
public import Pricing
public import Traces

/// What the rules read: one run's (or one source's) measured attempts, priced, with the facts
/// each rule asks of an attempt computed once.
public struct DiagnosisInput: Sendable {
    /// The traces.
    public let log: TraceLog
    /// Prices of steps and tools (the run's prices.json over the bundled table, or the user's).
    public let prices: PriceTable
    /// V and λ.
    public let marginal: MarginalPrices
    /// The run's headline figures, for the rules that compare load levels.
    public let summary: RunSummary
    /// Policy versions a rollout may lag behind its trainer before it counts as stale.
    public let maxStaleness: Int
    /// Measured (not warm-up) attempts, in file order.
    let attempts: [AttemptFacts]
    /// The cache-write tally, read by the cache rule and the report's cache summary (counted once).
    private(set) var cacheTally = CacheRule.Tally()

    /// The input of `log`, priced with `prices`, valued with `marginal`; `summary` when the caller
    /// has computed it already (with the same prices).
    public init(
        log: TraceLog, prices: PriceTable, marginal: MarginalPrices = .defaults, maxStaleness: Int = 1,
        summary: RunSummary? = nil
    ) {
        self.log = log
        self.maxStaleness = maxStaleness
        self.prices = prices
        self.marginal = marginal
        self.summary = summary ?? RunSummary.compute(from: log, prices: prices)
        attempts = log.attempts.filter { $0.record.isMeasured }.map { AttemptFacts($0, prices: prices) }
        cacheTally = CacheRule.tally(self)
    }

    /// The configurations (variants; `run` for attempts without one), in name order.
    var configurations: [String] { Array(Set(attempts.map(\.configuration))).sorted() }

    /// The tiers of every chat call of `configuration`'s attempts.
    func tiers(of configuration: String) -> Set<String> {
        attempts.filter { $0.configuration == configuration }.reduce(into: Set<String>()) { $0.formUnion($1.chatTiers) }
    }

    /// The tasks for which some attempt of `configuration` satisfies `property`.
    func tasks(of configuration: String, where property: (AttemptFacts) -> Bool) -> Set<String> {
        Set(attempts.filter { $0.configuration == configuration && property($0) }.map(\.task))
    }

    /// True when some attempt was graded: what every rule about success needs.
    var hasGrades: Bool { attempts.contains { $0.graded } }

    /// Attempts of `configuration`, by the item they pair on.
    func items(of configuration: String) -> [String: AttemptFacts] {
        var result: [String: AttemptFacts] = [:]
        for attempt in attempts where attempt.configuration == configuration { result[attempt.item] = attempt }
        return result
    }

    /// The cost of `steps` under the input's prices (tool prices included).
    public func cost(of steps: [StepReference]) -> Double {
        let wanted = Set(steps)
        var total = 0.0
        for attempt in log.attempts {
            for step in attempt.steps where wanted.contains(StepReference(attempt: step.attemptID, step: step.stepID)) {
                total += prices.price(step).cost.total
            }
        }
        return total
    }
}

/// One measured attempt, as the rules see it.
struct AttemptFacts: Sendable {
    let logged: LoggedAttempt
    /// The variant, or `run`.
    let configuration: String
    /// What pairs it with the same work under another configuration: `task#repeat@level` in
    /// variant runs, `task@level/sequence` otherwise.
    let item: String
    let cost: Double
    let tokens: Int
    /// Task latency, seconds.
    let latency: Double?
    /// Tiers of its chat steps.
    let chatTiers: Set<String>
    /// It had sub-agents.
    let delegates: Bool
    /// It took a verify step (before its end: judge calls of a grader do not count).
    let verifies: Bool

    var record: AttemptRecord { logged.record }
    var id: String { record.attemptID }
    var task: String { record.task }
    var passed: Bool { record.outcome == .passed }
    var graded: Bool { record.outcome != .ungraded }
    /// A risk event (SPEC §6's R): it errored or timed out, or scored below 1 on a safety or privacy axis.
    var isRisk: Bool {
        record.outcome == .error || record.outcome == .timeout
            || record.graderAxes.contains { axis, score in (axis.contains("safety") || axis.contains("privacy")) && score < 1 }
    }
    /// Every step, by reference.
    var steps: [StepReference] { logged.steps.map { StepReference(attempt: $0.attemptID, step: $0.stepID) } }

    init(_ logged: LoggedAttempt, prices: PriceTable) {
        self.logged = logged
        let record = logged.record
        configuration = record.variant ?? "run"
        // Without a pairing key (imported traces) an attempt pairs with nothing.
        item = record.pairingItem ?? "\(record.task)/\(record.attemptID)"
        var cost = 0.0
        var tokens = 0
        for step in logged.steps {
            cost += prices.price(step).cost.total
            tokens += step.usage?.total ?? 0
        }
        self.cost = cost
        self.tokens = tokens
        latency = record.latency.map { Double($0) / 1e9 }
        let before = record.end ?? .max
        chatTiers = Set(logged.steps.filter { $0.operation == .chat && $0.agentID != "judge" }.compactMap(\.tier))
        delegates = logged.steps.contains { $0.operation == .invokeAgent || $0.parentStepID != nil }
        verifies = logged.steps.contains { $0.useClass == .verify && ($0.timing.end ?? 0) <= before && $0.agentID != "judge" }
    }
}
