import AgentMetrics
import Reports
import Traces

/// The plots of a run report, each an SVG figure or "n/a — reason".
enum RunPlots {
    /// Task latency CDF per level on a log axis, p50/p95/p99 marked; the error-adjusted curve
    /// (failures as +∞) dashed, topping out at the level's pass rate.
    static func latencyCDF(_ levels: [LevelAttempts]) -> String {
        let caption = "Task latency CDF per level"
        let all = levels.flatMap(\.latencies)
        guard let low = all.min(), let high = all.max() else {
            return Chart.unavailable(
                "latency-cdf", caption: caption, reason: "no measured attempt has both a scheduled start and an end")
        }
        var chart = Chart("latency-cdf")
        let x = Scale(.log, low * 0.9, high * 1.1, to: chart.xRange)
        let y = Scale(.linear, 0, 1, to: chart.yRange)
        chart.xAxis(x, ticks: x.ticks(), label: { Format.seconds($0) }, title: "task latency (log scale)")
        chart.yAxis(y, ticks: [0, 0.25, 0.5, 0.75, 1], label: { Format.percent($0) }, title: "share of attempts ≤ x")
        var legend: [LegendItem] = []
        for (index, level) in levels.enumerated() {
            let color = Palette.color(index)
            let latencies = level.latencies
            guard !latencies.isEmpty else { continue }
            let label = level.summary.label
            chart.mark(
                "cdf", "polyline",
                [
                    ("data-level", label), ("points", pointList(steps(latencies, total: latencies.count, x: x, y: y))),
                    ("fill", "none"), ("stroke", color), ("stroke-width", "2"),
                ],
                tooltip: "\(label): task latency CDF, \(latencies.count) attempts")
            let (passed, graded) = level.errorAdjusted
            if !passed.isEmpty {
                chart.mark(
                    "cdf-error-adjusted", "polyline",
                    [
                        ("data-level", label), ("points", pointList(steps(passed, total: graded, x: x, y: y))), ("fill", "none"),
                        ("stroke", color), ("stroke-width", "1.6"), ("stroke-dasharray", "5 4"),
                    ],
                    tooltip:
                        "\(label): failures as +∞ — \(passed.count) of \(graded) graded attempts passed, so the curve ends at \(Format.percent(Double(passed.count) / Double(graded)))"
                )
            }
            let percentiles = level.summary.taskLatency
            for (name, p, value) in [
                ("p50", 0.5, percentiles.p50), ("p95", 0.95, percentiles.p95), ("p99", 0.99, percentiles.p99),
            ] {
                guard let value, value.isFinite else { continue }
                chart.mark(
                    "percentile", "circle",
                    [
                        ("data-level", label), ("data-percentile", name), ("cx", n(x(value))), ("cy", n(y(p))), ("r", "4"),
                        ("fill", "#fff"), ("stroke", color), ("stroke-width", "2"),
                    ],
                    tooltip: "\(label) \(name) \(Format.seconds(value)) (\(percentiles.count) samples)")
            }
            legend.append(LegendItem(color: color, label: "\(label) (n=\(latencies.count))", style: .line))
        }
        legend.append(LegendItem(color: "#555", label: "failures as +∞ (error-adjusted)", style: .dashed))
        return chart.render(
            caption: caption, legend: legend,
            note:
                "Circles mark each level's p50, p95 and p99 (the table's figures; hover for values). The dashed curve counts every graded attempt that did not pass as +∞, so it tops out at the pass rate."
        )
    }

    /// The empirical CDF of `sorted` as a step line, each sample rising 1/`total`.
    static func steps(_ sorted: [Double], total: Int, x: Scale, y: Scale) -> [(Double, Double)] {
        let stride = max(1, sorted.count / 1000)
        var points: [(Double, Double)] = []
        var previous = 0.0
        for index in Swift.stride(from: 0, to: sorted.count, by: stride) {
            let last = min(index + stride, sorted.count) - 1
            let share = Double(last + 1) / Double(max(total, 1))
            points.append((x(sorted[index]), y(previous)))
            points.append((x(sorted[last]), y(share)))
            previous = share
        }
        return points
    }

    /// The load axis of a run: its concurrency levels, or else its open-loop rates, by variant.
    struct LoadSeries {
        let kind: String
        let levels: [LevelSummary]

        init?(_ summary: RunSummary) {
            let closed = summary.levels.filter { $0.level?.concurrency != nil && $0.attempts.total > 0 }
            let open = summary.levels.filter { $0.level?.ratePerSecond != nil && $0.attempts.total > 0 }
            let distinct = { (levels: [LevelSummary]) in Set(levels.compactMap(\.level)).count }
            if distinct(closed) >= 2 {
                (kind, levels) = ("concurrency (agents)", closed)
            } else if distinct(open) >= 2 {
                (kind, levels) = ("arrival rate (tasks/s)", open)
            } else {
                return nil
            }
        }

        static func load(_ level: LevelSummary) -> Double {
            Double(level.level?.concurrency ?? 0) + (level.level?.ratePerSecond ?? 0)
        }

        var variants: [String?] {
            var seen: [String?] = []
            for level in levels where !seen.contains(level.variant) { seen.append(level.variant) }
            return seen
        }

        var scale: Scale.Kind {
            let loads = levels.map(Self.load)
            return (loads.max() ?? 1) / max(loads.min() ?? 1, 1e-9) >= 8 ? .log : .linear
        }
    }

    static let noLoad =
        "the run has fewer than two concurrency levels (or open-loop rates) with attempts; run at two or more (--concurrency 1,16,64) to see how the figures move with load"

    /// One figure against load: a line per series (a percentile, a kind of step, a variant).
    static func againstLoad(
        _ name: String, caption: String, _ summary: RunSummary, yTitle: String, format: @escaping (Double) -> String,
        series: [(label: String, value: (LevelSummary) -> Double?)], note: String
    ) -> String {
        guard let load = LoadSeries(summary) else { return Chart.unavailable(name, caption: caption, reason: noLoad) }
        let variants = load.variants
        var lines: [(label: String, points: [(load: Double, value: Double, level: LevelSummary)])] = []
        for variant in variants {
            let levels = load.levels.filter { $0.variant == variant }.sorted { LoadSeries.load($0) < LoadSeries.load($1) }
            for entry in series {
                let points = levels.compactMap { level in
                    entry.value(level).flatMap { $0.isFinite ? (LoadSeries.load(level), $0, level) : nil }
                }
                lines.append(((variant.map { "\($0) " } ?? "") + entry.label, points))
            }
        }
        let values = lines.flatMap { $0.points.map(\.value) }
        guard let top = values.max() else {
            return Chart.unavailable(name, caption: caption, reason: "no level has a finite value")
        }
        var chart = Chart(name)
        let loads = load.levels.map(LoadSeries.load)
        let x = Scale(load.scale, (loads.min() ?? 1), (loads.max() ?? 1), to: (chart.xRange.0 + 14, chart.xRange.1 - 14))
        let y = Scale(.linear, 0, top * 1.08, to: chart.yRange)
        let ticks = Array(Set(loads)).sorted()
        chart.xAxis(x, ticks: ticks, label: { $0 == $0.rounded() ? String(Int($0)) : Format.rate($0) }, title: load.kind)
        chart.yAxis(y, ticks: y.ticks(), label: format, title: yTitle)
        var legend: [LegendItem] = []
        let dashes = ["", "6 3", "2 3"]
        for (index, line) in lines.enumerated() {
            // A colour per variant (or per series), a dash per series: equal values stay visible.
            let color = Palette.color(variants.count > 1 ? index / series.count : index)
            let dash = dashes[index % series.count % dashes.count]
            guard !line.points.isEmpty else { continue }
            var attributes = [
                ("points", pointList(line.points.map { (x($0.load), y($0.value)) })), ("fill", "none"), ("stroke", color),
                ("stroke-width", "2"),
            ]
            if !dash.isEmpty { attributes.append(("stroke-dasharray", dash)) }
            chart.decorate(HTML.empty("polyline", attributes))
            for point in line.points {
                chart.mark(
                    "point", "circle",
                    [
                        ("data-series", line.label), ("cx", n(x(point.load))), ("cy", n(y(point.value))), ("r", "3.5"),
                        ("fill", color),
                    ],
                    tooltip:
                        "\(line.label) at \(point.level.label): \(format(point.value)) (\(point.level.attempts.total) attempts)")
            }
            legend.append(LegendItem(color: color, label: line.label, style: dash.isEmpty ? .line : .dashed))
        }
        return chart.render(caption: caption, legend: legend, note: note)
    }

    static func latencyAgainstLoad(_ summary: RunSummary) -> String {
        againstLoad(
            "latency-vs-load", caption: "Task latency p50 / p95 / p99 against load", summary, yTitle: "task latency",
            format: { Format.seconds($0) },
            series: [("p50", { $0.taskLatency.p50 }), ("p95", { $0.taskLatency.p95 }), ("p99", { $0.taskLatency.p99 })],
            note: "All measured attempts per level, as in the table; points carry the sample count.")
    }

    static func throughputAgainstLoad(_ summary: RunSummary) -> String {
        let several = Set(summary.levels.map(\.variant)).count > 1
        let series: [(label: String, value: (LevelSummary) -> Double?)] =
            several
            ? [("steps/s", { $0.steps.perSecond })]
            : [
                ("steps/s", { $0.steps.perSecond }), ("model calls/s", { $0.steps.modelPerSecond }),
                ("tool calls/s", { $0.steps.toolPerSecond }),
            ]
        return againstLoad(
            "steps-vs-load", caption: "Steps per second against load", summary, yTitle: "per second",
            format: { Format.rate($0) }, series: series,
            note: "Steps that ended inside each level's window ÷ the window (warm-up attempts' steps count: they are load).")
    }

    /// Where task time goes per level: stacked bars of the mean seconds per attempt in each component.
    static func breakdown(_ summary: RunSummary) -> String {
        let caption = "Where task time goes, per level (mean seconds per attempt)"
        let levels = summary.levels.filter { $0.attempts.total > 0 && $0.breakdown.total > 0 }
        guard let longest = levels.map(\.breakdown.total).max() else {
            return Chart.unavailable(
                "time-breakdown", caption: caption,
                reason: "no measured attempt has complete step timestamps (scheduled, sent and end of every step)")
        }
        let row = 26.0
        let labelWidth = min(200, 12 + 7 * Double(levels.map(\.label.count).max() ?? 4))
        var chart = Chart("time-breakdown", height: 66 + row * Double(levels.count), left: labelWidth)
        let x = Scale(.linear, 0, longest * 1.05, to: chart.xRange)
        chart.xAxis(x, ticks: x.ticks(), label: { Format.seconds($0) }, title: "seconds per attempt")
        for (index, level) in levels.enumerated() {
            let top = chart.top + 6 + row * Double(index)
            chart.decorate(
                HTML.element(
                    "text", [("x", n(labelWidth - 8)), ("y", n(top + row / 2)), ("text-anchor", "end")],
                    HTML.escape(level.label)))
            var start = 0.0
            for (component, share) in zip(level.breakdown.components, level.breakdownShare.components) {
                guard component.seconds > 0 else { continue }
                chart.mark(
                    "segment", "rect",
                    [
                        ("data-level", level.label), ("data-component", component.name), ("x", n(x(start))),
                        ("y", n(top + 3)), ("width", n(max(0.5, x(start + component.seconds) - x(start)))),
                        ("height", n(row - 8)), ("fill", Palette.components[component.name] ?? "#999"),
                    ],
                    tooltip:
                        "\(level.label) · \(component.name): \(Format.seconds(component.seconds)) per attempt, \(Format.percent(share.seconds)) of task time (\(level.attempts.total) attempts)"
                )
                start += component.seconds
            }
        }
        let legend = ["queue", "prefill", "decode", "tool", "orchestration"].map {
            LegendItem(color: Palette.components[$0] ?? "#999", label: $0)
        }
        return chart.render(
            caption: caption, legend: legend,
            note:
                "Each attempt's latency split along its critical path (a delegation counts its slowest sub-agent); hover a segment for its share of task time, as in the table.",
            wide: false)
    }
}
