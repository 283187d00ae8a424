public import AgentMetrics
public import Foundation

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

/// The run history: every run recorded, listed newest first, looked up by id. Two stores keep
/// the same tables through the same migrations: `SQLiteHistoryStore` (one file; the default) and
/// `PostgresHistoryStore` (one database many machines write to).
public protocol HistoryStore: Sendable {
    /// Where the history lives (messages name it; a PostgreSQL one without its password).
    var location: HistoryLocation { get }

    /// Appends `entry`; an entry whose run id is already recorded is not written twice (its id is returned).
    func record(_ entry: HistoryEntry) async throws(HistoryError) -> (id: Int64, added: Bool)

    /// Entries newest first, of one workload or all, at most `limit`.
    func list(workload: String?, limit: Int) async throws(HistoryError) -> [HistoryEntry]

    /// The entry with row id `id`, if there is one.
    func entry(id: Int64) async throws(HistoryError) -> HistoryEntry?
}

/// Opening a history wherever it lives.
public enum History {
    /// Opens (creating when absent) the history at `location` and brings its schema up to date;
    /// one a newer AgentPerf migrated further is refused.
    public static func open(_ location: HistoryLocation) async throws(HistoryError) -> any HistoryStore {
        switch location {
        case .sqlite(let path): try SQLiteHistoryStore(path: path)
        case .postgres(let server): try await PostgresHistoryStore.open(server)
        }
    }
}
