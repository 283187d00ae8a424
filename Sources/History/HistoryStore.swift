public import AgentMetrics
public import Foundation
import GRDB
import Traces

/// A run as the history keeps it: where it came from and every figure it gave.
public struct HistoryEntry: Sendable, Hashable {
    /// The row id, `#12` in listings; nil before the entry is recorded.
    public var id: Int64?
    /// How the traces were made.
    public var source: Source
    /// The workload's name (or the imported source's).
    public var workload: String?
    /// FNV-1a 64 of the workload file's bytes (or the bundled default's), so runs of an edited
    /// workload are told apart.
    public var workloadHash: String?
    /// Where the model calls went.
    public var target: String?
    /// The fleet the run used, when it ran on the built-in one (its name or file).
    public var fleet: String?
    /// The workload's seed.
    public var seed: UInt64?
    /// The AgentPerf that wrote the traces.
    public var agentperfVersion: String?
    /// `git rev-parse HEAD` of the repository holding the workload file, when it is in one.
    public var gitCommit: String?
    /// The run's wall-clock start, ISO 8601.
    public var startedAt: String?
    /// When the entry was written.
    public var recordedAt: Date
    /// The run directory (or the imported paths).
    public var directory: String?
    /// Every figure, histograms included.
    public var summary: RunSummary

    /// What made the traces.
    public enum Source: String, Sendable, Hashable, Codable {
        /// `agentperf run`, `simulate` or `replay`.
        case run
        /// `agentperf analyze --history` on another tool's traces.
        case imported
    }

    /// An entry not yet recorded.
    public init(
        source: Source, summary: RunSummary, workloadHash: String? = nil, fleet: String? = nil, seed: UInt64? = nil,
        gitCommit: String? = nil, directory: String? = nil, recordedAt: Date = Date()
    ) {
        self.source = source
        self.summary = summary
        self.workload = summary.workload
        self.workloadHash = workloadHash
        self.target = summary.target
        self.fleet = fleet
        self.seed = seed
        self.agentperfVersion = summary.agentperfVersion
        self.gitCommit = gitCommit
        self.startedAt = summary.startedAt
        self.recordedAt = recordedAt
        self.directory = directory
    }
}

/// What went wrong with the history database, as something the user can act on.
public struct HistoryError: Error, Sendable, CustomStringConvertible {
    /// The database file.
    public var path: String
    /// What happened and what to do.
    public var message: String
    /// `history PATH: message`.
    public var description: String { "history \(path): \(message)" }
}

/// The run history: one SQLite file (WAL, so runs writing at once and a killed process lose
/// nothing that was committed), schema by migrations (docs/HISTORY.md lists the tables).
public struct HistoryStore: Sendable {
    /// The database file.
    public let path: URL
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
                try HistorySchema.migrate(opened, path: path.path)
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

    /// Appends `entry`; an entry whose run id is already recorded is not written twice (its id is returned).
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
            try db.execute(
                sql: """
                    INSERT INTO runs (run_id, source, workload, workload_hash, target, fleet, seed, agentperf_version,
                      git_commit, started_at, recorded_at, directory, clock, summary_json)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    entry.summary.runID, entry.source.rawValue, entry.workload, entry.workloadHash, entry.target,
                    entry.fleet, entry.seed.map { String($0) }, entry.agentperfVersion, entry.gitCommit, entry.startedAt,
                    entry.recordedAt.formatted(.iso8601), entry.directory, entry.summary.clock?.rawValue,
                    String(decoding: summaryJSON, as: UTF8.self),
                ])
            let id = db.lastInsertedRowID
            for (position, level) in entry.summary.levels.enumerated() {
                try HistorySchema.insertLevel(level, position: position, run: id, db: db)
            }
            return (id, true)
        }
    }

    /// Entries newest first, of one workload or all, at most `limit`.
    public func list(workload: String? = nil, limit: Int = 50) throws(HistoryError) -> [HistoryEntry] {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT * FROM runs WHERE (? IS NULL OR workload = ?) ORDER BY recorded_at DESC, id DESC LIMIT ?",
                arguments: [workload, workload, max(0, limit)])
            return try rows.map { try HistorySchema.entry(from: $0, path: path.path) }
        }
    }

    /// The entry with row id `id`, if there is one.
    public func entry(id: Int64) throws(HistoryError) -> HistoryEntry? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]).map {
                try HistorySchema.entry(from: $0, path: path.path)
            }
        }
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
}
