/// One point of a two-model router's threshold sweep: a share of items sent to the strong model.
public struct SweepPoint: Sendable, Hashable, Codable {
    /// Share of items (calls) sent to the strong model, 0…1.
    public var strongShare: Double
    /// Mean quality at that share.
    public var quality: Double
    /// Mean cost per item at that share, when cost is logged.
    public var cost: Double?
    /// Performance gap recovered: (quality − Q_weak) ÷ (Q_strong − Q_weak).
    public var pgr: Double

    enum CodingKeys: String, CodingKey { case strongShare = "strong_share", quality, cost, pgr }
}

/// A two-model router scored the RouteLLM way (arXiv 2406.18665; docs/ROUTING.md): items sent
/// to the strong model in the router's order, every threshold swept.
public struct PairRouterCurve: Sendable, Hashable, Codable {
    /// The router: `random`, `optimal` (oracle-ordered), or the scores file's name.
    public var router: String
    /// Items the sweep ran over.
    public var items: Int
    /// ∫₀¹ PGR(s) ds, exactly (trapezoids between thresholds).
    public var apgr: Double
    /// The smallest strong share at which PGR reaches 50%.
    public var cpt50: Double
    /// The smallest strong share at which PGR reaches 80%.
    public var cpt80: Double
    /// The curve at shares 0, 0.1, …, 1.
    public var points: [SweepPoint]
    /// Area under the sweep's non-decreasing hull over the sweep's cost range (normalised), when cost is logged.
    public var aiq: Double?

    enum CodingKeys: String, CodingKey { case router, items, apgr, cpt50 = "cpt_50", cpt80 = "cpt_80", points, aiq }
}

/// The sweep of one router over a strong/weak pair.
struct PairSweep {
    /// (share, quality, cost) at each threshold boundary, from share 0 to 1.
    var boundaries: [(share: Double, quality: Double, cost: Double)]
    var weakQuality: Double
    var strongQuality: Double
    var items: Int

    /// Sends items to the strong model in descending `score` order; equal scores move together
    /// (no threshold separates them), which is a random tie-break in expectation.
    init(strong: [Outcome], weak: [Outcome], score: [Double]) {
        items = strong.count
        let n = Double(strong.count)
        let order = strong.indices.sorted { score[$0] > score[$1] }
        var quality = weak.reduce(0) { $0 + $1.quality } / n
        var cost = weak.reduce(0) { $0 + ($1.cost ?? 0) } / n
        weakQuality = quality
        boundaries = [(0, quality, cost)]
        for (rank, item) in order.enumerated() {
            quality += (strong[item].quality - weak[item].quality) / n
            cost += ((strong[item].cost ?? 0) - (weak[item].cost ?? 0)) / n
            let next = rank + 1 < order.count ? order[rank + 1] : nil
            if let next, score[next] == score[item] { continue }
            boundaries.append((Double(rank + 1) / n, quality, cost))
        }
        strongQuality = strong.reduce(0) { $0 + $1.quality } / n
    }

    func pgr(_ quality: Double) -> Double { (quality - weakQuality) / (strongQuality - weakQuality) }

    var apgr: Double {
        zip(boundaries, boundaries.dropFirst()).reduce(0) { sum, pair in
            sum + (pair.1.share - pair.0.share) * (pgr(pair.0.quality) + pgr(pair.1.quality)) / 2
        }
    }

    /// The smallest share at which PGR reaches `target`, linear within a threshold step.
    func cpt(_ target: Double) -> Double {
        if pgr(boundaries[0].quality) >= target { return 0 }
        for (a, b) in zip(boundaries, boundaries.dropFirst()) where pgr(b.quality) >= target {
            let (pa, pb) = (pgr(a.quality), pgr(b.quality))
            return a.share + (b.share - a.share) * (target - pa) / (pb - pa)
        }
        return 1
    }

    /// Quality and cost at `share`, linear between boundaries.
    func at(_ share: Double) -> (quality: Double, cost: Double) {
        for (a, b) in zip(boundaries, boundaries.dropFirst()) where share <= b.share {
            let t = b.share == a.share ? 1 : (share - a.share) / (b.share - a.share)
            return (a.quality + (b.quality - a.quality) * t, a.cost + (b.cost - a.cost) * t)
        }
        let last = boundaries[boundaries.count - 1]
        return (last.quality, last.cost)
    }

    func curve(router: String, hasCost: Bool) -> PairRouterCurve {
        let points = (0...10).map { step -> SweepPoint in
            let share = Double(step) / 10
            let (quality, cost) = at(share)
            return SweepPoint(strongShare: share, quality: quality, cost: hasCost ? cost : nil, pgr: pgr(quality))
        }
        let aiq: Double? =
            hasCost
            ? Frontier(points: boundaries.map { CostQualityPoint(name: router, cost: $0.cost, quality: $0.quality) }).aiq
            : nil
        return PairRouterCurve(
            router: router, items: items, apgr: apgr,
            cpt50: cpt(0.5), cpt80: cpt(0.8), points: points, aiq: aiq)
    }
}
