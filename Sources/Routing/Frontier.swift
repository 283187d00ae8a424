/// A router's (or a model's) place on the cost–quality plane: mean cost per item, mean quality.
public struct CostQualityPoint: Sendable, Hashable, Codable {
    /// The model, variant or router.
    public var name: String
    /// Mean cost per item, US dollars.
    public var cost: Double
    /// Mean quality, 0…1.
    public var quality: Double

    /// A point named `name` at (`cost`, `quality`).
    public init(name: String, cost: Double, quality: Double) {
        self.name = name
        self.cost = cost
        self.quality = quality
    }
}

/// The non-decreasing convex hull of cost–quality points and the area under it (RouterBench,
/// arXiv 2403.12031; docs/ROUTING.md): the upper convex frontier from the cheapest point, kept
/// only while quality rises, then flat at the best quality to the most expensive point.
public struct Frontier: Sendable, Hashable, Codable {
    /// The hull's vertices, cheapest first; quality rises strictly along them.
    public var vertices: [CostQualityPoint]
    /// The cheapest point's cost: where the AIQ integral starts.
    public var minCost: Double
    /// The most expensive point's cost: where it ends.
    public var maxCost: Double
    /// Area under the hull over [minCost, maxCost] ÷ (maxCost − minCost); the best quality when
    /// every point costs the same.
    public var aiq: Double

    /// The frontier of `points` (at least one).
    public init(points: [CostQualityPoint]) {
        precondition(!points.isEmpty, "a frontier needs a point")
        // Per cost, only the best quality can be on the hull; the first named keeps ties.
        var best: [CostQualityPoint] = []
        for point in points.sorted(by: { ($0.cost, -$0.quality) < ($1.cost, -$1.quality) })
        where best.last?.cost != point.cost {
            best.append(point)
        }
        // Upper hull (Andrew's monotone chain), stopped at the first point of the best quality.
        var hull: [CostQualityPoint] = []
        let peak = best.map(\.quality).max() ?? 0
        for point in best {
            while hull.count >= 2 {
                let a = hull[hull.count - 2]
                let b = hull[hull.count - 1]
                // Drop b when it lies on or under the segment a → point.
                let cross = (b.cost - a.cost) * (point.quality - a.quality) - (b.quality - a.quality) * (point.cost - a.cost)
                guard cross >= 0 else { break }
                hull.removeLast()
            }
            if let last = hull.last, point.quality <= last.quality { continue }
            hull.append(point)
            if point.quality == peak { break }
        }
        vertices = hull
        minCost = best.first?.cost ?? 0
        maxCost = best.last?.cost ?? 0
        aiq = Self.area(under: hull, from: minCost, to: maxCost)
    }

    /// Quality of the frontier at `cost` (linear between vertices, flat after the last).
    public func quality(at cost: Double) -> Double {
        guard let first = vertices.first, cost >= first.cost else { return vertices.first?.quality ?? 0 }
        for (a, b) in zip(vertices, vertices.dropFirst()) where cost <= b.cost {
            return a.quality + (b.quality - a.quality) * (cost - a.cost) / (b.cost - a.cost)
        }
        return vertices.last?.quality ?? 0
    }

    static func area(under hull: [CostQualityPoint], from low: Double, to high: Double) -> Double {
        guard let last = hull.last else { return 0 }
        guard high > low else { return last.quality }
        var area = 0.0
        for (a, b) in zip(hull, hull.dropFirst()) { area += (b.cost - a.cost) * (a.quality + b.quality) / 2 }
        area += (high - last.cost) * last.quality
        return area / (high - low)
    }
}
