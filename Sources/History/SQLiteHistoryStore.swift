import AgentMetrics
public import Foundation
import GRDB

/// The run history in one SQLite file (WAL, so runs writing at once and a killed process lose
/// nothing that was committed), schema by GRDB migrations.
public struct SQLiteHistoryStore: HistoryStore {
    /// The database file.
    public let path: URL
    public var location: HistoryLocation { .sqlite(path) }
    private let pool: DatabasePool

    /// Opens (creating when absent) the history at `path` and brings its schema up to date.
    public init(path: URL) throws(HistoryError) {
        self.path = path
        // Processes creating the file at the same moment can collide on setting up WAL mode and
        // the first migration (SQLite answers busy without waiting there): try again shortly.
        var tries = 0
        while true {
            tries += 1
            do {
                let opened = try Self.open(path)
                try Self.migrate(opened, path: path.path)
                pool = opened
                return
            } catch {
                if tries >= 4 || error.message.hasPrefix("written by a newer AgentPerf") { throw error }
                Thread.sleep(forTimeInterval: 0.05 * Double(tries))
            }
        }
    }

    private static func open(_ path: URL) throws(HistoryError) -> DatabasePool {
        do {
            try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
            var configuration = Configuration()
            // Another run may be writing: wait for it rather than fail.
            configuration.busyMode = .timeout(30)
            return try DatabasePool(path: path.path, configuration: configuration)
        } catch {
            throw HistoryError(path: path.path, message: "cannot open the database (\(Self.describe(error)))")
        }
    }

    public func record(_ entry: HistoryEntry) throws(HistoryError) -> (id: Int64, added: Bool) {
        let summaryJSON: Data
        do { summaryJSON = try entry.summary.jsonData() } catch {
            throw HistoryError(path: path.path, message: "cannot encode the summary (\(error))")
        }
        return try access { db in
            if let runID = entry.summary.runID,
                let existing = try Int64.fetchOne(db, sql: "SELECT id FROM runs WHERE run_id = ?", arguments: [runID])
            {
                return (existing, false)
            }
            try Self.insert("runs", HistorySchema.runValues(entry, summaryJSON: String(decoding: summaryJSON, as: UTF8.self)), db)
            let id = db.lastInsertedRowID
            for (position, level) in entry.summary.levels.enumerated() {
                try Self.insert("levels", try HistorySchema.levelValues(level, position: position, run: id), db)
            }
            return (id, true)
        }
    }

    public func list(workload: String? = nil, limit: Int = 50) throws(HistoryError) -> [HistoryEntry] {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT * FROM runs WHERE (? IS NULL OR workload = ?) ORDER BY recorded_at DESC, id DESC LIMIT ?",
                arguments: [workload, workload, max(0, limit)])
            return try rows.map { try HistorySchema.entry(from: try Self.stored($0, path: path.path), path: path.path) }
        }
    }

    public func entry(id: Int64) throws(HistoryError) -> HistoryEntry? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]).map {
                try HistorySchema.entry(from: try Self.stored($0, path: path.path), path: path.path)
            }
        }
    }

    private static func insert(_ table: String, _ values: [(String, ColumnValue)], _ db: Database) throws {
        let arguments = StatementArguments(
            values.map { _, value -> (any DatabaseValueConvertible)? in
                switch value {
                case .integer(let number): number
                case .real(let number): number
                case .text(let text): text
                }
            })
        try db.execute(
            sql:
                "INSERT INTO \(table) (\(values.map(\.0).joined(separator: ", "))) VALUES (\(values.map { _ in "?" }.joined(separator: ", ")))",
            arguments: arguments)
    }

    /// A row's columns, each decoded with a thrown error, never a trap: SQLite lets any column
    /// hold any type, so a file edited by hand may hold anything.
    private static func stored(_ row: Row, path: String) throws -> StoredRun {
        let id = try row.decode(Int64.self, forColumn: "id")
        var text: [String: String?] = [:]
        for column in HistorySchema.runTextColumns {
            do { text[column] = .some(try row.decode(String?.self, forColumn: column)) } catch {
                throw HistoryError(path: path, message: "run #\(id): column \(column) is not text")
            }
        }
        return StoredRun(id: id, text: text)
    }

    private func access<T>(_ body: (Database) throws -> T) throws(HistoryError) -> T {
        do { return try pool.write(body) } catch let error as HistoryError { throw error } catch {
            throw HistoryError(path: path.path, message: Self.describe(error))
        }
    }

    /// Reads never wait for a writer (WAL readers see the last commit).
    private func read<T>(_ body: (Database) throws -> T) throws(HistoryError) -> T {
        do { return try pool.read(body) } catch let error as HistoryError { throw error } catch {
            throw HistoryError(path: path.path, message: Self.describe(error))
        }
    }

    static func describe(_ error: any Error) -> String {
        (error as? DatabaseError).map { "SQLite: \($0.message ?? "\($0.resultCode)")" } ?? "\(error)"
    }

    // MARK: Schema

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration(HistorySchema.migrations[0]) { db in
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
        let known = Set(HistorySchema.migrations)
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
            throw HistoryError(path: path, message: "cannot prepare the tables (\(describe(error)))")
        }
    }
}
