import AgentMetrics
import Foundation
import History
import Pricing
import Traces

/// What `analyze` reads, fanned out: the family analyzer always, canonical trace files with
/// `--out`, and every record kept for `--history`.
struct AnalyzeSink: TraceSink {
    var analyzer: FamilyAnalyzer
    let file: TraceFileSink?
    var collected: CollectingSink?

    mutating func begin(_ run: RunRecord) throws {
        try analyzer.begin(run)
        try file?.begin(run)
        collected?.begin(run)
    }

    mutating func step(_ step: StepRecord) throws {
        try analyzer.step(step)
        try file?.step(step)
        collected?.step(step)
    }

    mutating func attempt(_ attempt: AttemptRecord) throws {
        try analyzer.attempt(attempt)
        try file?.attempt(attempt)
        collected?.attempt(attempt)
    }

    mutating func diagnostic(_ diagnostic: TraceDiagnostic) {
        analyzer.diagnostic(diagnostic)
        file?.diagnostic(diagnostic)
        collected?.diagnostic(diagnostic)
    }
}

/// `analyze --history`: imported traces as one history entry.
enum ImportedRun {
    /// The run figures need every record in memory (the analyzer itself streams), so inputs are bounded.
    static let maximumBytes: Int64 = 512 << 20

    /// The error for inputs over `limit` bytes (counted as they are read, so standard input counts too).
    static func tooLarge(_ paths: [String], limit: Int64) -> CommandFailure {
        .badInput(
            "--history keeps the traces in memory to compute the run figures, and \(paths.joined(separator: ", ")) is over \(limit >> 20) MiB; record a part of it, or `agentperf import` it and analyze the parts"
        )
    }

    /// The traces' figures as `report` computes them, under an id made from what was read: the
    /// inputs' absolute paths, every attempt's id and the number of steps. The same files are
    /// recorded once; a session added to a directory, or another set of inputs, is a new entry.
    static func summary(of log: TraceLog, paths: [String], prices: PriceTable) -> RunSummary {
        var summary = RunSummary.compute(from: log, prices: prices)
        var hash = ContentHash()
        for path in paths.sorted() { hash.update(URL(fileURLWithPath: path).standardizedFileURL.path) }
        for attempt in log.attempts {
            hash.update(attempt.record.runID)
            hash.update(attempt.record.attemptID)
        }
        hash.update(String(log.attempts.reduce(0) { $0 + $1.steps.count }))
        summary.runID = "import-\(hash.hex)"
        if summary.workload == nil { summary.workload = "imported \(URL(fileURLWithPath: paths[0]).lastPathComponent)" }
        return summary
    }

    static func entry(_ summary: RunSummary, paths: [String]) -> HistoryEntry {
        HistoryEntry(
            source: .imported, summary: summary,
            directory: paths.map { URL(fileURLWithPath: $0).standardizedFileURL.path }.joined(separator: ", "))
    }
}
