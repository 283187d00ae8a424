public import AgentMetrics
public import Pricing
import Traces

/// The marginal ledger: spend per use class, and where variants give a counterfactual, the
/// marginal figures of spending it (SPEC §6).
public struct LedgerRow: Sendable, Hashable, Codable {
    /// The use class (`verify`, `delegate`, …) or the routing choice (`route: large over small`).
    public var use: String
    /// The layer that decides this spend.
    public var layer: AllocationLayer
    /// Tokens of every bucket its steps spent.
    public var tokens: Int
    /// US dollars its steps cost.
    public var money: Double
    /// Seconds its steps took (sent → end, summed over the timed ones); nil when none was timed.
    public var seconds: Double?
    /// Counterfactual figures per attempt, when a pair of configurations measures them.
    public var deltaQuality: Double?
    /// ΔC per attempt, US dollars.
    public var deltaCost: Double?
    /// ΔL per attempt, seconds.
    public var deltaLatency: Double?
    /// ΔR per attempt: the change in the share of risk events.
    public var deltaRisk: Double?
    /// S = V·ΔQ − ΔC − λ·ΔL − ρ·ΔR per attempt: negative, spend to cut; positive, spend worth making.
    public var surplus: Double?
    /// `cut` (S < 0: the spend does not pay for itself) or `keep` (S > 0; where the cheaper
    /// configuration is in use, spend to add); nil without a counterfactual.
    public var verdict: String?
    /// Paired items behind the counterfactual.
    public var pairs: Int?

    enum CodingKeys: String, CodingKey {
        case use, layer, tokens, money, seconds, deltaQuality = "delta_quality", deltaCost = "delta_cost"
        case deltaLatency = "delta_latency", deltaRisk = "delta_risk", surplus, verdict, pairs
    }
}

/// What cache use the traces show (SPEC §5's cache-read share; the TTL rule's counts).
public struct CacheSummary: Sendable, Hashable, Codable {
    /// cache_read ÷ (uncached + cache_write + cache_read + output), over every step.
    public var readShare: Double?
    /// Model calls that wrote to the cache.
    public var writes: Int
    /// Of them, read by a later call of the same lineage within their lifetime.
    public var readWithinTTL: Int
    /// Writes without timestamps (not judged).
    public var untimed: Int

    enum CodingKeys: String, CodingKey {
        case readShare = "read_share", writes, readWithinTTL = "read_within_ttl", untimed
    }
}

/// Every finding, ranked by money wasted, with what could not be assessed and the ledger.
public struct DiagnosisReport: Sendable, Hashable, Codable {
    /// V and λ in force.
    public var prices: MarginalPrices
    /// Findings, most money wasted first.
    public var findings: [Finding]
    /// Modes the rules looked at and found nothing above their thresholds.
    public var clear: [FailureMode]
    /// Modes the traces cannot assess, with what they need.
    public var unassessable: [Unassessable]
    /// Spend per use class, and the counterfactuals the variants measure.
    public var ledger: [LedgerRow]
    /// Cache use.
    public var cache: CacheSummary
}

/// The findings engine: every rule over one input (docs/DIAGNOSE.md).
public enum Diagnosis {
    static let rules: [any DiagnosisRule] = [
        RoutingRule(), DelegationRule(), VerificationRule(), CongestionRule(), RolloutRule(), CacheRule(),
    ]

    /// Runs every rule over `input`.
    public static func run(_ input: DiagnosisInput) -> DiagnosisReport {
        var findings: [Finding] = []
        var clear: [FailureMode] = []
        var unassessable: [Unassessable] = []
        for rule in rules {
            for (mode, verdict) in rule.assess(input) {
                switch verdict {
                case .assessed(let found):
                    if found.isEmpty { clear.append(mode) }
                    findings += found
                case .unassessable(let needs):
                    unassessable.append(Unassessable(mode: mode, needs: needs))
                }
            }
        }
        findings.sort { ($0.moneyWasted, $1.mode.rawValue) > ($1.moneyWasted, $0.mode.rawValue) }
        let tally = input.cacheTally
        var buckets = (read: 0, all: 0)
        for attempt in input.attempts {
            for usage in attempt.logged.steps.compactMap(\.usage) {
                buckets.read += usage.cacheRead
                buckets.all += usage.total
            }
        }
        return DiagnosisReport(
            prices: input.marginal, findings: findings, clear: clear, unassessable: unassessable, ledger: ledger(input),
            cache: CacheSummary(
                readShare: buckets.all > 0 ? Double(buckets.read) / Double(buckets.all) : nil, writes: tally.writes,
                readWithinTTL: tally.readWithinTTL, untimed: tally.untimed))
    }

    static func ledger(_ input: DiagnosisInput) -> [LedgerRow] {
        var rows: [UseClass: LedgerRow] = [:]
        for attempt in input.attempts {
            for step in attempt.logged.steps {
                let layer: AllocationLayer = step.useClass == .route ? .router : .agent
                var row =
                    rows[step.useClass]
                    ?? LedgerRow(use: step.useClass.rawValue, layer: layer, tokens: 0, money: 0, seconds: nil)
                row.tokens += step.usage?.total ?? 0
                row.money += input.prices.price(step).cost.total
                if let start = step.timing.sent ?? step.timing.scheduled, let end = step.timing.end {
                    row.seconds = (row.seconds ?? 0) + Double(end - start) / 1e9
                }
                rows[step.useClass] = row
            }
        }
        var ledger =
            UseClass.known.compactMap { rows[$0] }
            + rows.filter { !UseClass.known.contains($0.key) }.sorted { $0.key.rawValue < $1.key.rawValue }.map(\.value)
        func counterfactual(_ use: String, _ layer: AllocationLayer, treatment: String, baseline: String, tasks: Set<String>?) {
            let comparisons = PairedComparison.tasks(
                input, treatment: treatment, baseline: baseline, minimumPairs: 1, tasks: tasks)
            let pairs = comparisons.flatMap(\.pairs)
            guard !pairs.isEmpty else { return }
            let pooled = PairedComparison(
                task: use, pairs: pairs, valuePerSuccess: input.marginal.valuePerSuccess,
                pricePerSecond: input.marginal.pricePerSecond, priceOfRisk: input.marginal.priceOfRisk)
            let treated = pairs.map(\.0)
            ledger.append(
                LedgerRow(
                    use: use, layer: layer, tokens: treated.reduce(0) { $0 + $1.tokens }, money: treated.cost,
                    seconds: treated.seconds, deltaQuality: pooled.deltaQuality, deltaCost: pooled.deltaCost,
                    deltaLatency: pooled.deltaLatency, deltaRisk: pooled.deltaRisk, surplus: pooled.surplus,
                    verdict: pooled.surplus < 0 ? "cut" : "keep", pairs: pairs.count))
        }
        if let (small, large) = RoutingRule.tierPair(input) {
            counterfactual(
                "route: \(large.name) over \(small.name)", .router, treatment: large.name, baseline: small.name, tasks: nil)
        }
        // Verification and delegation: configurations on the same tiers only (else routing confounds them).
        let configurations = input.configurations
        for (property, use) in [(\AttemptFacts.verifies, "verify"), (\AttemptFacts.delegates, "delegate")] {
            for treatment in configurations where !input.tasks(of: treatment, where: { $0[keyPath: property] }).isEmpty {
                let tasks = input.tasks(of: treatment, where: { $0[keyPath: property] })
                for baseline in configurations
                where baseline != treatment && input.tiers(of: baseline) == input.tiers(of: treatment)
                    && input.tasks(of: baseline, where: { $0[keyPath: property] }).isDisjoint(with: tasks)
                {
                    counterfactual(
                        "\(use): \(treatment) over \(baseline)", .agent, treatment: treatment, baseline: baseline, tasks: tasks)
                }
            }
        }
        // Use classes first, then the counterfactuals ranked by S (the spend to cut first).
        let uses = ledger.filter { $0.surplus == nil }
        let counterfactuals = ledger.filter { $0.surplus != nil }.sorted { ($0.surplus ?? 0, $0.use) < ($1.surplus ?? 0, $1.use) }
        return uses + counterfactuals
    }
}
