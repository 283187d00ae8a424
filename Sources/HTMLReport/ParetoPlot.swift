import Reports

/// A cost–quality scatter with its frontier: the points no other beats on both axes filled and
/// joined by a line, the others hollow. Used for tasks or variants of a run, groups of an
/// analysis, and routers.
struct ScatterPoint {
    var name: String
    var cost: Double
    var quality: Double
    /// What the point rests on, for its tooltip ("12 attempts").
    var samples: String
}

enum ParetoPlot {
    /// `frontier`: the names on the frontier, in the order the line joins them (cheapest first).
    static func render(
        _ name: String, caption: String, points: [ScatterPoint], frontier: [String], xTitle: String, yTitle: String,
        yFormat: @escaping (Double) -> String = { Format.percent($0) }, note: String, extra: [String] = []
    ) -> String {
        var chart = Chart(name, height: 320, bottom: 44)
        let costs = points.map(\.cost)
        let qualities = points.map(\.quality)
        guard let lowCost = costs.min(), let highCost = costs.max() else { return "" }
        let logCost = lowCost > 0 && highCost / lowCost >= 20
        let x = Scale(
            logCost ? .log : .linear, logCost ? lowCost / 1.5 : 0, highCost * (logCost ? 1.5 : 1.12),
            to: (chart.xRange.0 + 8, chart.xRange.1 - 8))
        let top = max(1, (qualities.max() ?? 1))
        let y = Scale(.linear, 0, top, to: chart.yRange)
        chart.xAxis(x, ticks: x.ticks(), label: { Format.dollars($0) }, title: xTitle)
        chart.yAxis(y, ticks: y.ticks(4), label: yFormat, title: yTitle)
        let byName = Dictionary(points.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let line = frontier.compactMap { byName[$0] }
        if line.count >= 2 {
            var steps: [(Double, Double)] = []
            for (a, b) in zip(line, line.dropFirst()) {
                steps += [(x(a.cost), y(a.quality)), (x(b.cost), y(a.quality)), (x(b.cost), y(b.quality))]
            }
            chart.decorate(
                HTML.empty(
                    "polyline",
                    [
                        ("points", pointList(steps)), ("fill", "none"), ("stroke", "#009E73"), ("stroke-width", "1.5"),
                        ("stroke-dasharray", "4 3"),
                    ]))
        }
        for shape in extra { chart.decorate(shape) }
        let onFrontier = Set(frontier)
        for (index, point) in points.enumerated() {
            let front = onFrontier.contains(point.name)
            let cx = x(point.cost)
            let cy = y(point.quality)
            chart.mark(
                "point", "circle",
                [
                    ("data-name", point.name), ("cx", n(cx)), ("cy", n(cy)), ("r", "5"), ("fill", front ? "#009E73" : "#fff"),
                    ("stroke", front ? "#00694d" : Palette.color(index)), ("stroke-width", "2"),
                ],
                tooltip:
                    "\(point.name): \(yFormat(point.quality)) at \(Format.dollars(point.cost)) (\(point.samples))\(front ? " — on the frontier" : "")"
            )
        }
        // Labels: points at the same place share one; each goes where it overlaps no other label
        // (right or left, above or below), or is left to the tooltip.
        var placed: [(x: Double, y: Double, w: Double)] = []
        var groups: [(x: Double, y: Double, names: [String])] = []
        for point in points {
            let (cx, cy) = (x(point.cost), y(point.quality))
            if let index = groups.firstIndex(where: { abs($0.x - cx) < 3 && abs($0.y - cy) < 3 }) {
                groups[index].names.append(point.name)
            } else {
                groups.append((cx, cy, [point.name]))
            }
        }
        for group in groups {
            let text = group.names.joined(separator: ", ")
            let label = text.count > 30 ? String(text.prefix(29)) + "…" : text
            let width = Double(label.count) * 6.2
            let candidates = [(8.0, -7.0), (8, 15), (-8 - width, -7), (-8 - width, 15), (8, -19), (8, 27), (-8 - width, -19)]
            for (dx, dy) in candidates {
                let (lx, ly) = (group.x + dx, group.y + dy)
                let inside =
                    lx >= chart.left && lx + width <= chart.width - 2 && ly - 10 >= 0 && ly <= chart.height - chart.bottom
                let clear = placed.allSatisfy { lx + width < $0.x || $0.x + $0.w < lx || abs(ly - $0.y) >= 12 }
                guard inside, clear else { continue }
                placed.append((lx, ly, width))
                chart.decorate(HTML.element("text", [("x", n(lx)), ("y", n(ly))], HTML.escape(label)))
                break
            }
        }
        let legend = [
            LegendItem(color: "#009E73", label: "on the frontier (nothing cheaper is as good)"),
            LegendItem(color: "#009E73", label: "frontier", style: .dashed),
        ]
        return chart.render(caption: caption, legend: legend, note: note)
    }
}
