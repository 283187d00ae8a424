import AgentMetrics
import Foundation
import Traces

/// The history's tables, shared by both stores (docs/HISTORY.md, "Schema"): the columns each
/// row has, the values an entry gives them, and the entry a row gives back. Each store keeps its
/// own DDL under the same migration names (`SQLiteHistoryStore`, `PostgresHistoryStore`); a
/// migration is never edited once released: a change is a new migration in both.
enum HistorySchema {
    /// The migrations, in order. A store that finds one it does not know refuses the database.
    static let migrations = ["v1: runs and levels"]

    /// The columns of a `runs` row an entry writes (all but `id`), with their values.
    static func runValues(_ entry: HistoryEntry, summaryJSON: String) -> [(String, ColumnValue)] {
        [
            ("run_id", .text(entry.summary.runID)), ("source", .text(entry.source.rawValue)), ("workload", .text(entry.workload)),
            ("workload_hash", .text(entry.workloadHash)), ("target", .text(entry.target)), ("fleet", .text(entry.fleet)),
            ("seed", .text(entry.seed.map { String($0) })), ("agentperf_version", .text(entry.agentperfVersion)),
            ("git_commit", .text(entry.gitCommit)), ("started_at", .text(entry.startedAt)),
            ("recorded_at", .text(entry.recordedAt.formatted(.iso8601))), ("directory", .text(entry.directory)),
            ("clock", .text(entry.summary.clock?.rawValue)), ("summary_json", .text(summaryJSON)),
        ]
    }

    /// The columns of a `levels` row, with their values.
    static func levelValues(_ level: LevelSummary, position: Int, run: Int64) throws -> [(String, ColumnValue)] {
        let histogram = try level.taskLatencyHistogram.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        return [
            ("run", .integer(run)), ("position", .integer(Int64(position))), ("label", .text(level.label)),
            ("variant", .text(level.variant)), ("concurrency", .integer(level.concurrency.map(Int64.init))),
            ("attempts", .integer(Int64(level.attempts.total))), ("passed", .integer(Int64(level.attempts.passed))),
            ("pass_rate", .real(level.passRate.rate)), ("p50_task_latency", .real(level.taskLatency.p50)),
            ("p95_task_latency", .real(level.taskLatency.p95)), ("p99_task_latency", .real(level.taskLatency.p99)),
            ("steps_per_second", .real(level.steps.perSecond)),
            ("cost_per_completed_task", .real(level.cost.pricedPerCompletedTask)),
            ("window_seconds", .real(level.windowSeconds)), ("task_latency_histogram", .text(histogram)),
        ]
    }

    /// The text columns of `runs` an entry is read back from, in the order stores select them (after `id`).
    static let runTextColumns = [
        "run_id", "source", "workload", "workload_hash", "target", "fleet", "seed", "agentperf_version", "git_commit",
        "started_at", "recorded_at", "directory", "clock", "summary_json",
    ]

    /// The entry a `runs` row holds; a summary this version cannot read is an error naming the run.
    static func entry(from row: StoredRun, path: String) throws(HistoryError) -> HistoryEntry {
        func text(_ column: String) -> String? { row.text[column] ?? nil }
        let summary: RunSummary
        do { summary = try RunSummary.decode(Data(((text("summary_json") ?? "")).utf8)) } catch {
            throw HistoryError(path: path, message: "run #\(row.id) has a summary this version cannot read (\(error))")
        }
        var entry = HistoryEntry(
            source: HistoryEntry.Source(rawValue: (text("source") ?? "")) ?? .run, summary: summary,
            workloadHash: text("workload_hash"), fleet: text("fleet"),
            seed: text("seed").flatMap { UInt64($0) }, gitCommit: text("git_commit"),
            directory: text("directory"),
            recordedAt: text("recorded_at").flatMap { try? Date($0, strategy: .iso8601) } ?? .distantPast)
        entry.id = row.id
        entry.workload = text("workload")
        entry.target = text("target")
        entry.agentperfVersion = text("agentperf_version")
        entry.startedAt = text("started_at")
        return entry
    }
}

/// A value of a history column, as either store binds it.
enum ColumnValue: Sendable {
    case integer(Int64?)
    case real(Double?)
    case text(String?)
}

/// A `runs` row as read by either store: its id and text columns (`runTextColumns`; nil for NULL).
struct StoredRun: Sendable {
    var id: Int64
    var text: [String: String?]
}
