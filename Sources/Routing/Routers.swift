public import AgentMetrics

/// What a router did item by item: the quality, cost and latency of its choice (a cascade's
/// sums over the models it tried), and how many calls went to the strong model.
struct RoutedItems: Sendable {
    /// Quality per item, 0…1.
    var quality: [Double]
    /// Cost per item, when the table logs cost.
    var cost: [Double]?
    /// Latency per item (seconds; a cascade's sequential calls summed), when logged.
    var latency: [Double]?
    /// Tokens per item, when logged.
    var tokens: [Double]?
    /// Items that tried more than one model (cascades); nil for single-choice routers.
    var escalated: Int?
    /// Expected passes per item, for routers scored by expectation (random); nil: quality ≥ the threshold.
    var expectedPasses: [Double]?

    /// A model's own outcomes, item by item.
    static func model(_ m: Int, of table: OutcomeTable) -> RoutedItems {
        pick(table) { _ in m }
    }

    /// Per item the model `choose(item)` names.
    static func pick(_ table: OutcomeTable, choose: (Int) -> Int) -> RoutedItems {
        let chosen = table.items.indices.map { table.outcome(item: $0, model: choose($0)) }
        return RoutedItems(
            quality: chosen.map(\.quality), cost: table.hasCost ? chosen.map { $0.cost ?? 0 } : nil,
            latency: table.hasLatency ? chosen.map { $0.latency ?? 0 } : nil,
            tokens: table.hasTokens ? chosen.map { $0.tokens ?? 0 } : nil)
    }

    /// The oracle: per item the cheapest model of the highest quality (the first listed when cost is not logged).
    static func oracle(_ table: OutcomeTable) -> RoutedItems {
        pick(table) { item in
            table.models.indices.min { a, b in
                let x = table.outcome(item: item, model: a)
                let y = table.outcome(item: item, model: b)
                return (-x.quality, x.cost ?? 0) < (-y.quality, y.cost ?? 0)
            } ?? 0
        }
    }

    /// The hindsight-best choice per item: the smallest regret objective (zero regret by construction).
    static func hindsight(_ table: OutcomeTable, objective: RegretObjective) -> RoutedItems {
        pick(table) { item in
            table.models.indices.min {
                objective.value(table.outcome(item: item, model: $0)) < objective.value(table.outcome(item: item, model: $1))
            } ?? 0
        }
    }

    /// The uniform random router's expectation: per item the mean of every model's outcome
    /// (and of its passes, so that the pass rate is the expected one).
    static func random(_ table: OutcomeTable, passThreshold: Double) -> RoutedItems {
        let n = Double(table.models.count)
        func mean(_ item: Int, _ value: (Outcome) -> Double) -> Double {
            table.models.indices.reduce(0) { $0 + value(table.outcome(item: item, model: $1)) } / n
        }
        let items = table.items.indices
        return RoutedItems(
            quality: items.map { mean($0, \.quality) }, cost: table.hasCost ? items.map { mean($0) { $0.cost ?? 0 } } : nil,
            latency: nil, tokens: table.hasTokens ? items.map { mean($0) { $0.tokens ?? 0 } } : nil,
            expectedPasses: items.map { mean($0) { $0.quality >= passThreshold ? 1 : 0 } })
    }

    /// A cascade: `order` tried in turn until one's quality reaches `passThreshold` (the logged
    /// grade stands in for the verifier); cost, latency and tokens are sums over the models tried.
    static func cascade(_ order: [Int], of table: OutcomeTable, passThreshold: Double) -> RoutedItems {
        var result = RoutedItems(
            quality: [], cost: table.hasCost ? [] : nil, latency: table.hasLatency ? [] : nil,
            tokens: table.hasTokens ? [] : nil, escalated: 0)
        for item in table.items.indices {
            var quality = 0.0
            var cost = 0.0
            var latency = 0.0
            var tokens = 0.0
            for (tried, m) in order.enumerated() {
                let outcome = table.outcome(item: item, model: m)
                quality = outcome.quality
                cost += outcome.cost ?? 0
                latency += outcome.latency ?? 0
                tokens += outcome.tokens ?? 0
                if tried == 1 { result.escalated? += 1 }
                if outcome.quality >= passThreshold { break }
            }
            result.quality.append(quality)
            result.cost?.append(cost)
            result.latency?.append(latency)
            result.tokens?.append(tokens)
        }
        return result
    }
}

/// The regret objective of one choice, cost + λ·latency + V·(1 − quality) (SPEC §8), with the
/// terms the table can support: cost and latency only when every outcome logs them.
public struct RegretObjective: Sendable, Hashable {
    /// V, US dollars per success.
    public var valuePerSuccess: Double
    /// λ, US dollars per second; nil when latency is not logged (the term is left out).
    public var pricePerSecond: Double?
    /// False when cost is not logged (the term is left out).
    public var includesCost: Bool

    func value(_ outcome: Outcome) -> Double {
        value(quality: outcome.quality, cost: outcome.cost, latency: outcome.latency)
    }

    func value(quality: Double, cost: Double?, latency: Double?) -> Double {
        var total = valuePerSuccess * (1 - quality)
        if includesCost { total += cost ?? 0 }
        if let pricePerSecond { total += pricePerSecond * (latency ?? 0) }
        return total
    }

    /// The formula with the terms in force, for the report.
    public var formula: String {
        var terms: [String] = []
        if includesCost { terms.append("cost") }
        if pricePerSecond != nil { terms.append("λ·latency") }
        terms.append("V·(1 − quality)")
        return terms.joined(separator: " + ")
    }
}

/// Summary figures of one router, model or variant over the table's items (docs/ROUTING.md).
public struct RouterSummary: Sendable, Hashable, Codable {
    /// What produced the figures.
    public enum Kind: String, Sendable, Codable {
        case model, oracle, hindsight, random, cascade
    }

    /// The model, variant or router.
    public var name: String
    /// Model (or variant), oracle, hindsight-best, random or cascade.
    public var kind: Kind
    /// Items scored.
    public var items: Int
    /// Mean quality, 0…1.
    public var quality: Double
    /// Share of items whose quality reached the pass threshold: completed tasks.
    public var passRate: Double
    /// Mean cost per item, US dollars.
    public var costPerItem: Measure
    /// Σ cost of every item ÷ items completed (failures charged).
    public var costPerCompleted: Measure
    /// Latency percentiles over items, seconds (nearest rank).
    public var latencyP50: Measure
    /// 95th percentile of latency, seconds.
    public var latencyP95: Measure
    /// Mean tokens per item.
    public var tokensPerItem: Measure
    /// Σ over items of the objective of this router's choice minus the hindsight-best one's.
    public var regretTotal: Double
    /// `regretTotal` ÷ items.
    public var regretPerItem: Double
    /// Share of items a cascade escalated past its first model.
    public var escalationShare: Double?

    /// `objectives`: per item, the objective of the router's choice when it is not that of one
    /// outcome (the random router's is the mean over configurations, exactly, f being linear).
    init(
        name: String, kind: Kind, routed: RoutedItems, passThreshold: Double, objective: RegretObjective, best: [Double],
        objectives: [Double]? = nil
    ) {
        self.name = name
        self.kind = kind
        let n = routed.quality.count
        items = n
        quality = n == 0 ? 0 : routed.quality.reduce(0, +) / Double(n)
        let passed = routed.expectedPasses?.reduce(0, +) ?? Double(routed.quality.filter { $0 >= passThreshold }.count)
        passRate = n == 0 ? 0 : passed / Double(n)
        let noCost = "cost is not logged for every outcome"
        costPerItem = routed.cost.map { .value($0.reduce(0, +) / Double(max(n, 1))) } ?? .unavailable(noCost)
        if let cost = routed.cost {
            costPerCompleted =
                passed == 0 ? .unavailable("no item reached the pass threshold") : .value(cost.reduce(0, +) / passed)
        } else {
            costPerCompleted = .unavailable(noCost)
        }
        let latencyReason =
            kind == .random
            ? "the random router is scored by expectation; it has no latency distribution"
            : "latency is not logged for every outcome"
        latencyP50 = routed.latency.map { .value(Self.percentile($0, 50)) } ?? .unavailable(latencyReason)
        latencyP95 = routed.latency.map { .value(Self.percentile($0, 95)) } ?? .unavailable(latencyReason)
        tokensPerItem = routed.tokens.map { .value($0.reduce(0, +) / Double(max(n, 1))) } ?? .unavailable("tokens are not logged")
        var regret = 0.0
        for item in 0..<n {
            let own =
                objectives?[item]
                ?? objective.value(quality: routed.quality[item], cost: routed.cost?[item], latency: routed.latency?[item])
            regret += own - best[item]
        }
        regretTotal = regret
        regretPerItem = n == 0 ? 0 : regret / Double(n)
        escalationShare = routed.escalated.map { n == 0 ? 0 : Double($0) / Double(n) }
    }

    /// Nearest-rank percentile: the value at rank ⌈p/100 · n⌉ of the sorted values.
    static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// The point this summary puts on the cost–quality plane, when cost is logged.
    public var point: CostQualityPoint? { costPerItem.value.map { CostQualityPoint(name: name, cost: $0, quality: quality) } }

    enum CodingKeys: String, CodingKey {
        case name, kind, items, quality, passRate = "pass_rate", costPerItem = "cost_per_item"
        case costPerCompleted = "cost_per_completed_task", latencyP50 = "latency_p50_s", latencyP95 = "latency_p95_s"
        case tokensPerItem = "tokens_per_item", regretTotal = "regret_total", regretPerItem = "regret_per_item"
        case escalationShare = "escalation_share"
    }
}
