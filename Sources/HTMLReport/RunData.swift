import AgentMetrics
import Pricing
import Traces

/// One level of a run with the measured attempts its figures came from (grouped as
/// `RunSummary.compute` groups them: by level id and variant; everything without windows).
struct LevelAttempts {
    let summary: LevelSummary
    let attempts: [LoggedAttempt]

    static func of(_ log: TraceLog, _ summary: RunSummary) -> [LevelAttempts] {
        let measured = log.attempts.filter(\.record.isMeasured)
        return summary.levels.map { level in
            guard let id = level.level else { return LevelAttempts(summary: level, attempts: measured) }
            return LevelAttempts(
                summary: level, attempts: measured.filter { $0.record.level == id && $0.record.variant == level.variant })
        }
    }

    /// Task latencies in seconds, sorted, of the attempts that carry both times.
    var latencies: [Double] { attempts.compactMap(\.record.latency).map { Double($0) / 1e9 }.sorted() }

    /// Latencies of the passed attempts, sorted, and the number of graded attempts with a latency
    /// (passed, failed, errored, timed out): the error-adjusted view counts the rest as +∞.
    var errorAdjusted: (passed: [Double], graded: Int) {
        var passed: [Double] = []
        var graded = 0
        for attempt in attempts {
            guard let latency = attempt.record.latency else { continue }
            switch attempt.record.outcome {
            case .passed:
                passed.append(Double(latency) / 1e9)
                graded += 1
            case .failed, .error, .timeout: graded += 1
            case .ungraded, .cancelled: break
            }
        }
        return (passed.sorted(), graded)
    }
}

/// A point of the cost–pass-rate plane: one task or one variant, pooled over the run's levels.
struct ParetoPoint {
    let name: String
    /// Measured attempts behind it.
    let attempts: Int
    let passed: Int
    /// Graded attempts (measured, not ungraded).
    let graded: Int
    /// Σ cost of the attempts, US dollars.
    let cost: Double
    /// Models without a price among its attempts: then the cost is incomplete and not plotted.
    let unpriced: [String]

    var passRate: Double? { graded > 0 ? Double(passed) / Double(graded) : nil }
    var costPerCompleted: Double? { passed > 0 && unpriced.isEmpty ? cost / Double(passed) : nil }

    /// One point per variant, from the summary's levels (variant runs).
    static func variants(_ summary: RunSummary) -> [ParetoPoint] {
        var order: [String] = []
        var points: [String: ParetoPoint] = [:]
        for level in summary.levels {
            guard let variant = level.variant else { continue }
            if points[variant] == nil { order.append(variant) }
            let old = points[variant] ?? ParetoPoint(name: variant, attempts: 0, passed: 0, graded: 0, cost: 0, unpriced: [])
            points[variant] = ParetoPoint(
                name: variant, attempts: old.attempts + level.attempts.total, passed: old.passed + level.attempts.passed,
                graded: old.graded + level.attempts.total - level.attempts.ungraded, cost: old.cost + level.cost.total.total,
                unpriced: Array(Set(old.unpriced + level.cost.unpricedModels)).sorted())
        }
        return order.compactMap { points[$0] }
    }

    /// One point per task, pricing each measured attempt's steps (and attempt-level usage) as the summary does.
    static func tasks(_ levels: [LevelAttempts], prices: PriceTable) -> [ParetoPoint] {
        var order: [String] = []
        var points: [String: ParetoPoint] = [:]
        for attempt in levels.flatMap(\.attempts) {
            let task = attempt.record.task
            if points[task] == nil { order.append(task) }
            var priced = PricedUsage()
            for step in attempt.steps { priced += prices.price(step) }
            if let usage = attempt.record.unattributedUsage {
                priced += prices.price(usage, model: attempt.record.unattributedModel ?? "(model not recorded)")
            }
            let old = points[task] ?? ParetoPoint(name: task, attempts: 0, passed: 0, graded: 0, cost: 0, unpriced: [])
            let outcome = attempt.record.outcome
            points[task] = ParetoPoint(
                name: task, attempts: old.attempts + 1, passed: old.passed + (outcome == .passed ? 1 : 0),
                graded: old.graded + (outcome == .ungraded ? 0 : 1), cost: old.cost + priced.cost.total,
                unpriced: Array(Set(old.unpriced).union(priced.unpricedModels)).sorted())
        }
        return order.sorted().compactMap { points[$0] }
    }

    /// The names of the points no other point beats on both axes (cheaper and at least as
    /// good, or as cheap and better): the Pareto frontier, cheapest first.
    static func frontier(_ points: [ParetoPoint]) -> [String] {
        let plotted = points.compactMap { p in p.costPerCompleted.flatMap { c in p.passRate.map { (p.name, c, $0) } } }
        var best = -1.0
        var names: [String] = []
        for point in plotted.sorted(by: { ($0.1, -$0.2) < ($1.1, -$1.2) }) where point.2 > best {
            names.append(point.0)
            best = point.2
        }
        return names
    }
}
