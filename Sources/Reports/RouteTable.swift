import AgentMetrics
import Foundation
import Pricing
package import Routing

/// `agentperf route`'s text report: routers, the frontier, the strong/weak pair.
package enum RouteTable {
    package static func render(_ report: RouteReport, source: String) -> String {
        var reasons: [String] = []
        func cell(_ measure: Measure, _ format: (Double) -> String) -> String {
            if let value = measure.value { return format(value) }
            if let reason = measure.reason, !reasons.contains(reason) { reasons.append(reason) }
            return "n/a"
        }
        let λ = report.regretFormula.contains("λ") ? "λ = \(Format.dollars(report.prices.pricePerSecond))/s" : "λ not used"
        var out = """
            agentperf route: \(report.items) items × \(report.models.count) configurations (\(source))
            pass threshold \(Format.rate(report.passThreshold)); regret = \(report.regretFormula), \
            V = \(Format.dollars(report.prices.valuePerSuccess)), \(λ)

            """
        if report.items < 30 { out += "note: only \(report.items) items; every figure below is from too few to generalise\n" }
        out += "\n"
        let onFrontier = Set(report.frontier?.vertices.map(\.name) ?? [])
        var table = TextColumns(["", "quality", "pass", "$/item", "$/completed", "p50", "p95", "regret/item", "frontier"])
        for router in report.routers {
            var note = onFrontier.contains(router.name) && router.kind == .model ? "●" : ""
            if let share = router.escalationShare { note = "escalated \(Format.percent(share))" }
            table.add([
                router.name, Format.rate(router.quality), Format.percent(router.passRate),
                cell(router.costPerItem, Format.dollars), cell(router.costPerCompleted, Format.dollars),
                cell(router.latencyP50, Format.seconds), cell(router.latencyP95, Format.seconds),
                Format.dollars(router.regretPerItem), note,
            ])
        }
        out += table.render()
        if let frontier = report.frontier {
            let path = frontier.vertices.map { "\($0.name) (\(Format.dollars($0.cost)), \(Format.rate($0.quality)))" }
            out += "\nfrontier (non-decreasing convex hull), cheapest first:\n"
            out += wrapped(path, separator: " → ", indent: "  ", width: 120)
            out +=
                "  AIQ \(Format.rate(frontier.aiq)) over \(Format.dollars(frontier.minCost))–\(Format.dollars(frontier.maxCost)) per item\n"
        } else if let reason = report.frontierUnavailable {
            out += "\nfrontier: n/a: \(reason)\n"
        }
        if !report.tasks.isEmpty {
            out += "\nby task: quality and cost per item under each configuration; best = cheapest of the top quality\n"
            out += byTask(report)
        }
        if let pair = report.pair {
            out += pairSection(pair)
        } else if let reason = report.pairUnavailable {
            out += "\nstrong/weak routing: n/a: \(reason)\n"
        }
        for reason in reasons { out += "n/a: \(reason)\n" }
        for problem in report.problems { out += "problem: \(problem)\n" }
        return out
    }

    /// The by-task table, its configurations split over as many tables as keep lines within 120 columns.
    static func byTask(_ report: RouteReport) -> String {
        func table(_ models: Range<Int>) -> String {
            var table = TextColumns(["task", "items"] + report.models[models] + ["best"])
            for task in report.tasks {
                let cells = task.cells[models].map { cell in
                    Format.rate(cell.quality) + (cell.costPerItem.map { " " + Format.dollars($0) } ?? "")
                }
                table.add([task.task, "\(task.items)"] + cells + [task.best])
            }
            return table.render(indent: "  ")
        }
        var perTable = report.models.count
        while perTable > 1 {
            let all = table(0..<perTable)
            if all.split(separator: "\n").allSatisfy({ $0.count <= 120 }) { break }
            perTable -= 1
        }
        return stride(from: 0, to: report.models.count, by: max(perTable, 1)).map { start in
            table(start..<min(start + max(perTable, 1), report.models.count))
        }.joined(separator: "\n")
    }

    static func qualityChange(_ lost: Double) -> String {
        if lost == 0 { return "quality unchanged" }
        return lost > 0 ? "quality lost \(Format.rate(lost))" : "quality gained \(Format.rate(-lost))"
    }

    /// `parts` joined by `separator`, broken into lines of at most `width` columns.
    static func wrapped(_ parts: [String], separator: String, indent: String, width: Int) -> String {
        var lines: [String] = []
        var line = indent
        for (index, part) in parts.enumerated() {
            let piece = part + (index < parts.count - 1 ? separator : "")
            if line.count > indent.count, line.count + piece.count > width {
                lines.append(line)
                line = indent
            }
            line += piece
        }
        lines.append(line)
        return lines.map { $0.replacingOccurrences(of: " +$", with: "", options: .regularExpression) }.joined(separator: "\n")
            + "\n"
    }

    private static func pairSection(_ pair: PairReport) -> String {
        var out = "\nstrong/weak routing (RouteLLM): strong \(pair.strong), weak \(pair.weak)\n"
        var scores = TextColumns(["router", "items", "APGR", "CPT(50%)", "CPT(80%)", "AIQ"])
        for curve in pair.curves {
            scores.add([
                curve.router, "\(curve.items)", Format.rate(curve.apgr), Format.percent(curve.cpt50), Format.percent(curve.cpt80),
                curve.aiq.map(Format.rate) ?? "n/a",
            ])
        }
        out += scores.render(indent: "  ")
        var shares = TextColumns(["quality at strong share"] + (0...10).map { "\($0 * 10)%" })
        for curve in pair.curves { shares.add([curve.router] + curve.points.map { Format.rate($0.quality) }) }
        out += "\n" + shares.render(indent: "  ")
        let small = pair.smallByDefault
        let saved = small.costSavedPerItem.value.map { Format.dollars($0) + "/item" } ?? "n/a"
        let savedShare = small.costSavedShare.value.map { " (\(Format.percent($0)))" } ?? ""
        let latency = small.latencyAddedP50.value.map { ", p50 latency \($0 >= 0 ? "+" : "")\(Format.seconds($0))" } ?? ""
        out += """

            small by default: \(pair.weak) completes \(Format.percent(small.smallShare)) of items alone;
              escalating the rest to \(pair.strong) saves \(saved)\(savedShare) against all-\(pair.strong), \(qualityChange(small.qualityLost))\(latency)

            """
        return out
    }
}
