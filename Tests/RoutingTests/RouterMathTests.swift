import AgentMetrics
import Testing

@testable import Routing

/// A table of `rows` (per item, per model: quality, cost, latency).
func table(models: [String], _ rows: [[(q: Double, c: Double?, l: Double?)]]) -> OutcomeTable {
    OutcomeTable(
        models: models, items: rows.indices.map { "item\($0)" },
        cells: rows.flatMap { $0.map { Outcome(quality: $0.q, cost: $0.c, latency: $0.l) } })
}

/// splitmix64: a deterministic stream for synthetic tables.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct FrontierTests {
    // Five models: A (1, .20), B (2, .50), C (3, .55), D (4, .90), E (5, .80).
    // Upper hull: A, B, D (C lies under B→D); D is the best, so E is cut and the hull stays flat at .9 to 5.
    // AIQ = [1·(.2+.5)/2 + 2·(.5+.9)/2 + 1·.9] ÷ (5 − 1) = (0.35 + 1.4 + 0.9) ÷ 4 = 0.6625.
    let points = [
        CostQualityPoint(name: "C", cost: 3, quality: 0.55), CostQualityPoint(name: "A", cost: 1, quality: 0.2),
        CostQualityPoint(name: "E", cost: 5, quality: 0.8), CostQualityPoint(name: "B", cost: 2, quality: 0.5),
        CostQualityPoint(name: "D", cost: 4, quality: 0.9),
    ]

    @Test func hullAndAIQOnFiveModels() {
        let frontier = Frontier(points: points)
        #expect(frontier.vertices.map(\.name) == ["A", "B", "D"])
        #expect(abs(frontier.aiq - 0.6625) < 1e-12)
        #expect(frontier.minCost == 1 && frontier.maxCost == 5)
        #expect(abs(frontier.quality(at: 3) - 0.7) < 1e-12)
        #expect(frontier.quality(at: 4.5) == 0.9)
    }

    @Test func theReportBuildsTheSameFrontierFromATable() {
        let costs: [Double] = [3, 1, 5, 2, 4]
        let qualities = [0.55, 0.2, 0.8, 0.5, 0.9]
        // Two identical items: the means are the per-item values.
        let row = zip(qualities, costs).map { (q: $0, c: Optional($1), l: Optional<Double>.none) }
        let report = RouteReport(table: table(models: ["C", "A", "E", "B", "D"], [row, row]), settings: RoutingSettings())
        #expect(report.frontier?.vertices.map(\.name) == ["A", "B", "D"])
        #expect(abs((report.frontier?.aiq ?? 0) - 0.6625) < 1e-12)
    }

    @Test func equalCostsGiveTheBestQualityAsAIQ() {
        let frontier = Frontier(points: [
            CostQualityPoint(name: "x", cost: 1, quality: 0.3), CostQualityPoint(name: "y", cost: 1, quality: 0.6),
        ])
        #expect(frontier.vertices.map(\.name) == ["y"])
        #expect(frontier.aiq == 0.6)
    }
}

@Suite struct PairRoutingTests {
    @Test func aRandomRoutersAPGRIsAHalfAndCPTTracksItsTarget() {
        var rng = SplitMix(state: 42)
        var rows: [[(q: Double, c: Double?, l: Double?)]] = []
        var scores: [String: Double] = [:]
        for item in 0..<2_000 {
            let strong: Double = Double.random(in: 0..<1, using: &rng) < 0.9 ? 1 : 0
            let weak: Double = Double.random(in: 0..<1, using: &rng) < 0.3 ? 1 : 0
            rows.append([(strong, 0.01, 2.0), (weak, 0.001, 1.0)])
            scores["item\(item)"] = Double.random(in: 0..<1, using: &rng)
        }
        var settings = RoutingSettings()
        settings.routerScores = [("coin", scores)]
        let report = RouteReport(table: table(models: ["strong", "weak"], rows), settings: settings)
        let pair = try! #require(report.pair)
        #expect(pair.strong == "strong" && pair.weak == "weak")
        let coin = try! #require(pair.curves.first { $0.router == "coin" })
        #expect(abs(coin.apgr - 0.5) <= 0.02)
        #expect(abs(coin.cpt50 - 0.5) <= 0.02)
        #expect(abs(coin.cpt80 - 0.8) <= 0.02)
        // The expectation itself (every score equal) is exact.
        let random = try! #require(pair.curves.first { $0.router == "random" })
        #expect(abs(random.apgr - 0.5) < 1e-9)
        #expect(abs(random.cpt50 - 0.5) < 1e-9 && abs(random.cpt80 - 0.8) < 1e-9)
    }

    // strong [1, 1, 0, 1], weak [0, 1, 0, 0]: Q_weak = .25, Q_strong = .75; gains [1, 0, 0, 1].
    // Optimal order sends items 0 and 3 first (together: equal gains), then 1 and 2.
    // PGR at s = 0, .5, 1: 0, 1, 1 → APGR = .5·(0+1)/2 + .5·(1+1)/2 = .75; CPT(50%) = .25, CPT(80%) = .4.
    @Test func theOptimalRoutersAPGRByHand() {
        let rows: [[(q: Double, c: Double?, l: Double?)]] = [
            [(1, 1, nil), (0, 0.1, nil)], [(1, 1, nil), (1, 0.1, nil)], [(0, 1, nil), (0, 0.1, nil)],
            [(1, 1, nil), (0, 0.1, nil)],
        ]
        let report = RouteReport(table: table(models: ["large", "small"], rows), settings: RoutingSettings())
        let optimal = try! #require(report.pair?.curves.first { $0.router == "optimal" })
        #expect(abs(optimal.apgr - 0.75) < 1e-12)
        #expect(abs(optimal.cpt50 - 0.25) < 1e-12)
        #expect(abs(optimal.cpt80 - 0.4) < 1e-12)
        #expect(optimal.points.last?.pgr == 1)
    }

    @Test func equalQualityHasNoGapToRecover() {
        let rows: [[(q: Double, c: Double?, l: Double?)]] = [[(1, 1, nil), (1, 0.1, nil)]]
        let report = RouteReport(table: table(models: ["large", "small"], rows), settings: RoutingSettings())
        #expect(report.pair == nil)
        #expect(report.pairUnavailable?.contains("same quality") == true)
    }
}

@Suite struct RegretAndCascadeTests {
    // small: $0.01, 1 s; large: $0.10, 3 s. Items: both pass; only large passes; both fail.
    let rows: [[(q: Double, c: Double?, l: Double?)]] = [
        [(1, 0.01, 1), (1, 0.10, 3)], [(0, 0.01, 1), (1, 0.10, 3)], [(0, 0.01, 1), (0, 0.10, 3)],
    ]

    @Test func theOracleAndTheHindsightBestHaveNoRegret() throws {
        let report = RouteReport(table: table(models: ["small", "large"], rows), settings: RoutingSettings())
        let oracle = try #require(report.routers.first { $0.kind == .oracle })
        let hindsight = try #require(report.routers.first { $0.kind == .hindsight })
        #expect(abs(oracle.regretTotal) < 1e-12)
        #expect(hindsight.regretTotal == 0)
        // All-large pays (0.10 − 0.01) + λ·(3 − 1) on items 1 and 3: 2 × (0.09 + 0.002) = 0.184.
        let large = try #require(report.routers.first { $0.name == "large" })
        #expect(abs(large.regretTotal - 0.184) < 1e-12)
        // All-small misses item 2: V·1 + 0.01 + λ·1 − (0.10 + λ·3) = 1 − 0.09 − 0.002 = 0.908.
        let small = try #require(report.routers.first { $0.name == "small" })
        #expect(abs(small.regretTotal - 0.908) < 1e-12)
        #expect(report.regretFormula == "cost + λ·latency + V·(1 − quality)")
    }

    @Test func aCascadesCostAndLatencyAddUpPerItem() throws {
        let routed = RoutedItems.cascade([0, 1], of: table(models: ["small", "large"], rows), passThreshold: 0.5)
        #expect(routed.quality == [1, 1, 0])
        #expect(routed.cost == [0.01, 0.11, 0.11])
        #expect(routed.latency == [1, 4, 4])
        #expect(routed.escalated == 2)
        let report = RouteReport(table: table(models: ["small", "large"], rows), settings: RoutingSettings())
        let cascade = try #require(report.routers.first { $0.kind == .cascade })
        #expect(cascade.name == "cascade small→large")
        #expect(abs((cascade.costPerItem.value ?? 0) - 0.23 / 3) < 1e-12)
        // Σ cost ÷ completed: 0.23 ÷ 2.
        #expect(abs((cascade.costPerCompleted.value ?? 0) - 0.115) < 1e-12)
        #expect(cascade.latencyP50.value == 4)
        let small = try #require(report.pair?.smallByDefault)
        #expect(abs(small.smallShare - 1.0 / 3) < 1e-12)
        #expect(abs((small.costSavedPerItem.value ?? 0) - (0.30 - 0.23) / 3) < 1e-12)
        #expect(small.qualityLost == 0)
        #expect(small.latencyAddedP50.value == 1)
    }

    @Test func theRandomRoutersRegretIsTheMeanOverConfigurations() throws {
        // Both pass at $0.01; 2 s and 10 s. f = 0.01 + λ·l: 0.012 and 0.020; best 0.012; random 0.016 → regret 0.004.
        let rows: [[(q: Double, c: Double?, l: Double?)]] = [[(1, 0.01, 2), (1, 0.01, 10)]]
        let report = RouteReport(table: table(models: ["fast", "slow"], rows), settings: RoutingSettings())
        let random = try #require(report.routers.first { $0.kind == .random })
        #expect(abs(random.regretPerItem - 0.004) < 1e-12)
    }

    @Test func smallByDefaultIsTheWeakToStrongCascadeWhateverElseIsAsked() throws {
        var settings = RoutingSettings()
        settings.cascades = [["large", "small"], ["small", "large"]]
        let report = RouteReport(table: table(models: ["small", "large"], rows), settings: settings)
        #expect(report.routers.filter { $0.kind == .cascade }.map(\.name) == ["cascade large→small", "cascade small→large"])
        let small = try #require(report.pair?.smallByDefault)
        #expect(abs((small.costSavedPerItem.value ?? 0) - (0.30 - 0.23) / 3) < 1e-12)
    }

    @Test func absentCostIsNotZero() throws {
        let rows: [[(q: Double, c: Double?, l: Double?)]] = [[(1, nil, nil), (0, nil, nil)]]
        let report = RouteReport(table: table(models: ["a", "b"], rows), settings: RoutingSettings())
        let a = try #require(report.routers.first { $0.name == "a" })
        #expect(a.costPerItem.value == nil && a.costPerItem.reason != nil)
        #expect(a.latencyP50.value == nil)
        #expect(report.frontier == nil && report.frontierUnavailable != nil)
        #expect(report.regretFormula == "V·(1 − quality)")
    }
}
