import AgentMetrics
import Foundation
import GRDB

/// The history's tables and their migrations (docs/HISTORY.md, "Schema"). A migration is
/// never edited once released: a change is a new migration appended here.
enum HistorySchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: runs and levels") { db in
            try db.execute(
                sql: """
                    CREATE TABLE runs (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      run_id TEXT UNIQUE,
                      source TEXT NOT NULL,
                      workload TEXT,
                      workload_hash TEXT,
                      target TEXT,
                      fleet TEXT,
                      seed TEXT,
                      agentperf_version TEXT,
                      git_commit TEXT,
                      started_at TEXT,
                      recorded_at TEXT NOT NULL,
                      directory TEXT,
                      clock TEXT,
                      summary_json TEXT NOT NULL
                    );
                    CREATE INDEX runs_by_workload ON runs (workload, recorded_at);
                    CREATE TABLE levels (
                      run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                      position INTEGER NOT NULL,
                      label TEXT NOT NULL,
                      variant TEXT,
                      concurrency INTEGER,
                      attempts INTEGER NOT NULL,
                      passed INTEGER NOT NULL,
                      pass_rate REAL,
                      p50_task_latency REAL,
                      p95_task_latency REAL,
                      p99_task_latency REAL,
                      steps_per_second REAL,
                      cost_per_completed_task REAL,
                      window_seconds REAL NOT NULL,
                      task_latency_histogram TEXT,
                      PRIMARY KEY (run, position)
                    );
                    """)
        }
        return migrator
    }

    /// Brings the schema up to date. A database a newer AgentPerf migrated further is refused
    /// (this version would not know its tables), and so is a file with tables of another
    /// program's (the migration's CREATE TABLE fails); two processes migrating at once are fine:
    /// the loser of the race finds the migration applied when it tries again.
    static func migrate(_ pool: DatabasePool, path: String) throws(HistoryError) {
        let known = Set(migrator.migrations)
        do {
            let applied = try pool.read { db in
                try db.tableExists("grdb_migrations")
                    ? try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") : []
            }
            let unknown = applied.filter { !known.contains($0) }
            if !unknown.isEmpty {
                throw HistoryError(
                    path: path,
                    message:
                        "written by a newer AgentPerf (migrations \(unknown.joined(separator: ", "))); use that version, or another file with --history"
                )
            }
            do { try migrator.migrate(pool) } catch { try migrator.migrate(pool) }
        } catch let error as HistoryError {
            throw error
        } catch {
            throw HistoryError(path: path, message: "cannot prepare the tables (\(HistoryStore.describe(error)))")
        }
    }

    static func insertLevel(_ level: LevelSummary, position: Int, run: Int64, db: Database) throws {
        let histogram = try level.taskLatencyHistogram.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        try db.execute(
            sql: """
                INSERT INTO levels (run, position, label, variant, concurrency, attempts, passed, pass_rate,
                  p50_task_latency, p95_task_latency, p99_task_latency, steps_per_second, cost_per_completed_task,
                  window_seconds, task_latency_histogram)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                run, position, level.label, level.variant, level.concurrency, level.attempts.total, level.attempts.passed,
                level.passRate.rate, level.taskLatency.p50, level.taskLatency.p95, level.taskLatency.p99,
                level.steps.perSecond, level.cost.pricedPerCompletedTask,
                level.windowSeconds, histogram,
            ])
    }

    /// The entry a `runs` row holds. Every column is decoded with a thrown error, never a trap:
    /// SQLite lets any column hold any type, so a file edited by hand may hold anything.
    static func entry(from row: Row, path: String) throws -> HistoryEntry {
        let id = try row.decode(Int64.self, forColumn: "id")
        func text(_ column: String) throws -> String? {
            do { return try row.decode(String?.self, forColumn: column) } catch {
                throw HistoryError(path: path, message: "run #\(id): column \(column) is not text")
            }
        }
        let summary: RunSummary
        do { summary = try RunSummary.decode(Data((try text("summary_json") ?? "").utf8)) } catch let error as HistoryError {
            throw error
        } catch {
            throw HistoryError(path: path, message: "run #\(id) has a summary this version cannot read (\(error))")
        }
        var entry = HistoryEntry(
            source: HistoryEntry.Source(rawValue: try text("source") ?? "") ?? .run, summary: summary,
            workloadHash: try text("workload_hash"), fleet: try text("fleet"), seed: try text("seed").flatMap { UInt64($0) },
            gitCommit: try text("git_commit"), directory: try text("directory"),
            recordedAt: (try text("recorded_at")).flatMap { try? Date($0, strategy: .iso8601) } ?? .distantPast)
        entry.id = id
        entry.workload = try text("workload")
        entry.target = try text("target")
        entry.agentperfVersion = try text("agentperf_version")
        entry.startedAt = try text("started_at")
        return entry
    }
}
