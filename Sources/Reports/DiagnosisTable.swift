package import Diagnosis
import Foundation
import Pricing

/// `agentperf diagnose`'s report as text or Markdown: findings ranked by money wasted, what
/// could not be assessed, the cache tally and the marginal ledger.
package enum DiagnosisTable {
    package static func render(_ report: DiagnosisReport, source: String, markdown: Bool = false) -> String {
        let heading = markdown ? "## " : ""
        var out = markdown ? "# agentperf diagnose\n\n" : ""
        out +=
            "\(markdown ? "" : "agentperf diagnose: ")\(source) · V = \(Format.dollars(report.prices.valuePerSuccess)) per success, λ = \(Format.dollars(report.prices.pricePerSecond))/s, ρ = \(Format.dollars(report.prices.priceOfRisk)) per risk event\n\n"
        out += "\(heading)Findings, most money wasted first\n"
        if report.findings.isEmpty { out += "  none above the rules' thresholds\n" }
        for (index, finding) in report.findings.enumerated() {
            out += findingBlock(finding, number: index + 1, markdown: markdown)
        }
        out += "\n\(heading)Not assessable\n"
        if report.unassessable.isEmpty { out += "  every mode could be assessed\n" }
        for item in report.unassessable { out += "\(markdown ? "- " : "  ")\(item.mode.rawValue): needs \(item.needs)\n" }
        if !report.clear.isEmpty {
            out += "\n\(heading)Looked, found nothing above the thresholds\n"
            out += "\(markdown ? "- " : "  ")" + report.clear.map(\.rawValue).joined(separator: ", ") + "\n"
        }
        let cache = report.cache
        out += "\n\(heading)Cache\n"
        out +=
            "\(markdown ? "- " : "  ")read share \(Format.percent(cache.readShare)); \(cache.writes) calls wrote to the cache, \(cache.readWithinTTL) of them read within their lifetime"
            + (cache.untimed > 0 ? " (\(cache.untimed) without timestamps, not judged)" : "") + "\n"
        out += "\n\(heading)Ledger: spend per use, and the marginal figures variants measure (per attempt)\n"
        let header = ["use", "layer", "tokens", "money", "seconds", "ΔQ", "ΔC", "ΔL", "ΔR", "S", "pairs", ""]
        let rows = report.ledger.map { row in
            [
                row.use, row.layer.rawValue, Format.count(row.tokens), Format.dollars(row.money), seconds(row),
                row.deltaQuality.map(Format.percent) ?? "", row.deltaCost.map(Format.dollars) ?? "",
                row.deltaLatency.map(Format.seconds) ?? "", row.deltaRisk.map(Format.percent) ?? "",
                row.surplus.map(Format.dollars) ?? "", row.pairs.map(String.init) ?? "", row.verdict ?? "",
            ]
        }
        if markdown {
            out += "\n| " + header.joined(separator: " | ") + " |\n|" + header.map { _ in "---|" }.joined() + "\n"
            for row in rows { out += "| " + row.joined(separator: " | ") + " |\n" }
        } else {
            var table = TextColumns(header)
            for row in rows { table.add(row) }
            out += table.render(indent: "  ")
        }
        return out
    }

    /// A ledger row's seconds, n/a when none of its steps was timed.
    static func seconds(_ row: LedgerRow) -> String {
        guard let seconds = row.seconds else { return "n/a" }
        return Format.seconds(seconds)
    }

    /// The top `count` findings, one line each (for `agentperf run`).
    package static func top(_ report: DiagnosisReport, count: Int = 3) -> String {
        guard !report.findings.isEmpty else { return "" }
        var out = "Top findings (agentperf diagnose for all, with evidence):\n"
        for finding in report.findings.prefix(count) {
            out += Format.wrap(
                "  \(finding.mode.rawValue): \(finding.summary) — \(Format.dollars(finding.moneyWasted)) wasted", indent: "    ")
        }
        return out
    }

    /// An evidence figure in its unit.
    package static func value(_ evidence: Evidence) -> String {
        switch evidence.unit {
        case "$": Format.dollars(evidence.value)
        case "s": Format.seconds(evidence.value)
        case "share": Format.percent(evidence.value)
        case "×": Format.rate(evidence.value) + "×"
        default: Format.rate(evidence.value)
        }
    }

    private static func findingBlock(_ finding: Finding, number: Int, markdown: Bool) -> String {
        let indent = markdown ? "   " : "     "
        var out = "\(markdown ? "" : "  ")\(number). \(finding.mode.rawValue) (\(finding.layer.rawValue)) · "
        out +=
            "\(Format.dollars(finding.moneyWasted))" + (finding.secondsWasted.map { " and \(Format.seconds($0))" } ?? "")
            + " wasted · "
        out += finding.confidence.heuristic ? "heuristic" : "\(finding.confidence.samples) samples"
        if let interval = finding.confidence.interval, interval.count == 2 {
            out += ", S in [\(Format.dollars(interval[0])), \(Format.dollars(interval[1]))]"
        }
        out += "\n\(indent)\(finding.summary)\n"
        out += "\(indent)change: \(finding.change)\n"
        out += "\(indent)money: \(finding.moneyEstimate); seconds: \(finding.secondsEstimate)\n"
        let shown = finding.attempts.prefix(6).joined(separator: ", ") + (finding.attempts.count > 6 ? ", …" : "")
        out += "\(indent)attempts (\(finding.attempts.count)): \(shown); steps: \(finding.steps.count)\n"
        out += "\(indent)confidence: \(finding.confidence.note)\n"
        let evidence = finding.evidence.map { "\($0.name) \(Self.value($0))" }
        out += "\(indent)evidence: " + evidence.joined(separator: "; ") + "\n"
        return out
    }
}
