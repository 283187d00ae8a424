package import AgentMetrics
package import Thresholds

/// The thresholds of a run, judged level by level, as printed under the table.
package enum ThresholdTable {
    /// `Thresholds: 1 of 4 crossed` and one row per threshold and level.
    package static func render(_ results: [ThresholdResult]) -> String {
        guard !results.isEmpty else { return "" }
        let crossed = results.count { !$0.holds }
        let rows = results.map { result in
            [
                result.holds ? "ok" : "CROSSED", result.threshold.description, result.level ?? "–",
                result.value.map { value(of: result.threshold.metric.unit, $0) } ?? "n/a", note(result),
            ]
        }
        // Left-aligned columns: the expressions read best as typed.
        let widths = (0..<4).map { column in rows.map { $0[column].count }.max() ?? 0 }
        let lines = rows.map { cells in
            var line = "  "
            for column in 0..<4 {
                line += cells[column] + String(repeating: " ", count: widths[column] - cells[column].count + 2)
            }
            line += cells[4]
            while line.last == " " { line.removeLast() }
            return line
        }
        return "Thresholds: \(crossed) of \(results.count) crossed\n" + lines.joined(separator: "\n") + "\n"
    }

    /// Why the figure is absent, or that it rests on too few samples to mean much.
    package static func note(_ result: ThresholdResult) -> String {
        if let reason = result.reason { return reason }
        guard let samples = result.samples else { return "" }
        if case .latency(_, let statistic) = result.threshold.metric {
            let needed = statistic == .p99 ? 100 : statistic == .p95 ? 20 : 1
            if samples < needed { return "\(samples) samples: too few for a \(statistic.rawValue)" }
        }
        return "\(samples) samples"
    }

    package static func value(of unit: ThresholdUnit, _ value: Double) -> String {
        switch unit {
        case .seconds: Format.seconds(value)
        case .share: Format.percent(value)
        case .dollars: Format.dollars(value)
        case .perSecond, .count: Format.rate(value)
        }
    }
}
