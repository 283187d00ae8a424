public import AgentMetrics
public import Pricing

/// What `agentperf route` evaluates, beyond the table itself.
public struct RoutingSettings: Sendable {
    /// Quality at or above which an item counts as completed (pass rate, cost per completed task,
    /// and the cascades' stand-in verifier).
    public var passThreshold = 0.5
    /// V and λ for regret.
    public var prices = MarginalPrices.defaults
    /// The strong model of the pair; nil: the one of the highest quality.
    public var strong: String?
    /// The weak model of the pair; nil: the cheapest (the lowest quality when cost is not logged).
    public var weak: String?
    /// Cascades to evaluate, each an order of models; weak → strong is always added.
    public var cascades: [[String]] = []
    /// Per-item router scores (higher: more in need of the strong model), by router name.
    public var routerScores: [(name: String, scores: [String: Double])] = []

    /// The defaults: pass threshold 0.5, `MarginalPrices.defaults`, pair and cascades detected.
    public init() {}
}

/// The strong/weak analysis of a table (RouteLLM's figures, cascades and small-by-default).
public struct PairReport: Sendable, Hashable, Codable {
    /// The strong model.
    public var strong: String
    /// The weak model.
    public var weak: String
    /// Random, optimal and any given routers' sweeps.
    public var curves: [PairRouterCurve]
    /// Weak first, escalating to strong when the weak model's outcome misses the pass threshold.
    public var smallByDefault: SmallByDefault

    enum CodingKeys: String, CodingKey { case strong, weak, curves, smallByDefault = "small_by_default" }
}

/// Small by default, large on escalation, against all-large.
public struct SmallByDefault: Sendable, Hashable, Codable {
    /// Share of items the small (weak) model completes on its own.
    public var smallShare: Double
    /// Cost per item of all-large minus that of the cascade, US dollars.
    public var costSavedPerItem: Measure
    /// `costSavedPerItem` ÷ all-large's cost per item.
    public var costSavedShare: Measure
    /// All-large's mean quality minus the cascade's (negative: the cascade is better).
    public var qualityLost: Double
    /// The cascade's p50 latency minus all-large's, seconds (the sequential calls' price).
    public var latencyAddedP50: Measure

    enum CodingKeys: String, CodingKey {
        case smallShare = "small_share", costSavedPerItem = "cost_saved_per_item", costSavedShare = "cost_saved_share"
        case qualityLost = "quality_lost", latencyAddedP50 = "latency_added_p50_s"
    }
}

/// Every routing figure of one outcome table (docs/ROUTING.md).
public struct RouteReport: Sendable, Hashable, Codable {
    /// Items evaluated (complete rows).
    public var items: Int
    /// The table's models or variants.
    public var models: [String]
    /// The pass threshold in force.
    public var passThreshold: Double
    /// V and λ in force.
    public var prices: MarginalPrices
    /// The regret objective's terms in force.
    public var regretFormula: String
    /// Models first, then oracle, hindsight-best, random and cascades.
    public var routers: [RouterSummary]
    /// The models' non-decreasing convex hull, when cost is logged.
    public var frontier: Frontier?
    /// Why there is no frontier.
    public var frontierUnavailable: String?
    /// The strong/weak analysis, when the table has a pair to route between.
    public var pair: PairReport?
    /// Why there is no pair analysis.
    public var pairUnavailable: String?
    /// Per task, each configuration's quality and cost (traces only).
    public var tasks: [TaskRouting]
    /// Problems with the settings (unknown model names, items without router scores).
    public var problems: [String]

    /// Evaluates `table` under `settings`.
    public init(table: OutcomeTable, settings: RoutingSettings) {
        items = table.items.count
        models = table.models
        passThreshold = settings.passThreshold
        prices = settings.prices
        var problems: [String] = []
        let objective = RegretObjective(
            valuePerSuccess: settings.prices.valuePerSuccess,
            pricePerSecond: table.hasLatency ? settings.prices.pricePerSecond : nil, includesCost: table.hasCost)
        regretFormula = objective.formula
        tasks = TaskRouting.all(table)
        let best = table.items.indices.map { item in
            table.models.indices.map { objective.value(table.outcome(item: item, model: $0)) }.min() ?? 0
        }
        func summary(
            _ name: String, _ kind: RouterSummary.Kind, _ routed: RoutedItems, objectives: [Double]? = nil
        ) -> RouterSummary {
            RouterSummary(
                name: name, kind: kind, routed: routed, passThreshold: settings.passThreshold, objective: objective, best: best,
                objectives: objectives)
        }
        var routers = table.models.indices.map { summary(table.models[$0], .model, RoutedItems.model($0, of: table)) }
        let modelSummaries = routers
        routers.append(summary("oracle", .oracle, RoutedItems.oracle(table)))
        routers.append(summary("hindsight-best", .hindsight, RoutedItems.hindsight(table, objective: objective)))
        // f is linear, so the random router's expected objective is the mean of every configuration's.
        let randomObjectives = table.items.indices.map { item in
            table.models.indices.reduce(0) { $0 + objective.value(table.outcome(item: item, model: $1)) }
                / Double(max(table.models.count, 1))
        }
        routers.append(
            summary(
                "random", .random, RoutedItems.random(table, passThreshold: settings.passThreshold),
                objectives: randomObjectives))

        if table.hasCost, !table.models.isEmpty {
            frontier = Frontier(points: modelSummaries.compactMap(\.point))
        } else {
            frontierUnavailable = table.models.isEmpty ? "no model has outcomes" : "cost is not logged for every outcome"
        }

        let pair = Self.pair(table, settings: settings, models: modelSummaries, problems: &problems)
        var cascades = settings.cascades.compactMap { names -> [Int]? in
            let order = names.compactMap(table.modelIndex)
            guard order.count == names.count, !order.isEmpty else {
                problems.append("cascade \(names.joined(separator: ",")): names a model the table does not have")
                return nil
            }
            return order
        }
        if let (strong, weak) = pair.models, !cascades.contains([weak, strong]) { cascades.insert([weak, strong], at: 0) }
        var cascadeSummaries: [RouterSummary] = []
        for order in cascades {
            let name = "cascade " + order.map { table.models[$0] }.joined(separator: "→")
            let routed = RoutedItems.cascade(order, of: table, passThreshold: settings.passThreshold)
            cascadeSummaries.append(summary(name, .cascade, routed))
        }
        routers += cascadeSummaries
        self.routers = routers
        if let (strong, weak) = pair.models, let index = cascades.firstIndex(of: [weak, strong]) {
            let cascade = cascadeSummaries[index]
            let large = modelSummaries[strong]
            let saved = zipMeasures(large.costPerItem, cascade.costPerItem) { $0 - $1 }
            self.pair = PairReport(
                strong: table.models[strong], weak: table.models[weak],
                curves: Self.curves(table, strong: strong, weak: weak, settings: settings, problems: &problems),
                smallByDefault: SmallByDefault(
                    smallShare: modelSummaries[weak].passRate, costSavedPerItem: saved,
                    costSavedShare: large.costPerItem.value == 0
                        ? .unavailable("the strong model costs nothing per item")
                        : zipMeasures(saved, large.costPerItem) { $0 / $1 },
                    qualityLost: large.quality - cascade.quality,
                    latencyAddedP50: zipMeasures(cascade.latencyP50, large.latencyP50) { $0 - $1 }))
        } else {
            pairUnavailable = pair.reason
        }
        self.problems = problems
    }

    private static func pair(
        _ table: OutcomeTable, settings: RoutingSettings, models: [RouterSummary], problems: inout [String]
    ) -> (models: (strong: Int, weak: Int)?, reason: String?) {
        func named(_ name: String?, flag: String) -> Int?? {
            guard let name else { return .some(nil) }
            guard let index = table.modelIndex(name) else {
                problems.append("\(flag) \(name): no such model (the table has \(table.models.joined(separator: ", ")))")
                return nil
            }
            return index
        }
        guard table.models.count >= 2 else { return (nil, "a pair needs two models; the table has \(table.models.count)") }
        guard let strongChoice = named(settings.strong, flag: "--strong"), let weakChoice = named(settings.weak, flag: "--weak")
        else { return (nil, "--strong or --weak names no model of the table") }
        let strong =
            strongChoice
            ?? models.indices.filter { $0 != weakChoice }.max {
                (models[$0].quality, models[$0].costPerItem.value ?? 0) < (models[$1].quality, models[$1].costPerItem.value ?? 0)
            }!
        let weak =
            weakChoice
            ?? models.indices.filter { $0 != strong }.min {
                table.hasCost
                    ? (models[$0].costPerItem.value ?? 0, -models[$0].quality) < (
                        models[$1].costPerItem.value ?? 0, -models[$1].quality
                    )
                    : models[$0].quality < models[$1].quality
            }!
        guard strong != weak else { return (nil, "the strong and weak models are the same") }
        guard models[strong].quality != models[weak].quality else {
            return (nil, "\(table.models[strong]) and \(table.models[weak]) have the same quality: no gap to recover")
        }
        return ((strong, weak), nil)
    }

    private static func curves(
        _ table: OutcomeTable, strong: Int, weak: Int, settings: RoutingSettings, problems: inout [String]
    ) -> [PairRouterCurve] {
        let all = Array(table.items.indices)
        func sweep(_ rows: [Int], score: (Int) -> Double) -> PairSweep {
            PairSweep(
                strong: rows.map { table.outcome(item: $0, model: strong) },
                weak: rows.map { table.outcome(item: $0, model: weak) },
                score: rows.map(score))
        }
        // Random: every item the same score, so the sweep is the straight line of the expectation.
        var curves = [sweep(all) { _ in 0 }.curve(router: "random", hasCost: table.hasCost)]
        let optimal = sweep(all) { table.outcome(item: $0, model: strong).quality - table.outcome(item: $0, model: weak).quality }
        curves.append(optimal.curve(router: "optimal", hasCost: table.hasCost))
        for (name, scores) in settings.routerScores {
            let rows = all.filter { scores[table.items[$0]] != nil }
            if rows.count < all.count {
                problems.append(
                    "\(name): \(all.count - rows.count) of \(all.count) items have no score; its figures cover the rest")
            }
            let scored = sweep(rows) { scores[table.items[$0]] ?? 0 }
            guard !rows.isEmpty, scored.strongQuality != scored.weakQuality else {
                problems.append("\(name): no gap between the models on its scored items; no curve")
                continue
            }
            curves.append(scored.curve(router: name, hasCost: table.hasCost))
        }
        return curves
    }

    enum CodingKeys: String, CodingKey {
        case items, models, passThreshold = "pass_threshold", prices, regretFormula = "regret_formula", routers, frontier
        case frontierUnavailable = "frontier_unavailable", pair, pairUnavailable = "pair_unavailable", tasks, problems
    }
}

/// `combine` of two measures' values, or the first one's reason.
func zipMeasures(_ a: Measure, _ b: Measure, _ combine: (Double, Double) -> Double) -> Measure {
    guard let x = a.value else { return a }
    guard let y = b.value else { return b }
    return .value(combine(x, y))
}

/// One task's figures under each configuration (traces only: items are a task's repeats).
public struct TaskRouting: Sendable, Hashable, Codable {
    /// One configuration's figures on the task.
    public struct Cell: Sendable, Hashable, Codable {
        /// Mean quality over the task's items.
        public var quality: Double
        /// Mean cost per item, when logged.
        public var costPerItem: Double?

        enum CodingKeys: String, CodingKey { case quality, costPerItem = "cost_per_item" }
    }

    /// The task.
    public var task: String
    /// Its items (repeats).
    public var items: Int
    /// Per configuration, in the table's order.
    public var cells: [Cell]
    /// The cheapest configuration of the best quality on this task (ties: the first listed).
    public var best: String

    /// Per task of `table`, in first-seen order; empty for tables without tasks.
    static func all(_ table: OutcomeTable) -> [TaskRouting] {
        guard let tasks = table.tasks else { return [] }
        var order: [String] = []
        var rows: [String: [Int]] = [:]
        for (item, task) in tasks.enumerated() {
            if rows[task] == nil { order.append(task) }
            rows[task, default: []].append(item)
        }
        return order.map { task in
            let items = rows[task] ?? []
            let cells = table.models.indices.map { m -> Cell in
                let outcomes = items.map { table.outcome(item: $0, model: m) }
                let n = Double(outcomes.count)
                return Cell(
                    quality: outcomes.reduce(0) { $0 + $1.quality } / n,
                    costPerItem: table.hasCost ? outcomes.reduce(0) { $0 + ($1.cost ?? 0) } / n : nil)
            }
            let best =
                cells.indices.min { a, b in
                    (-cells[a].quality, cells[a].costPerItem ?? 0) < (-cells[b].quality, cells[b].costPerItem ?? 0)
                }
                ?? 0
            return TaskRouting(task: task, items: items.count, cells: cells, best: table.models[best])
        }
    }
}
